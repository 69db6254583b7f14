package io.holdfast.origin.index;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in. */
public final class HttpDates {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    /** Two-digit years read as 1970-2069 (RFC 9110 asks for "not more than 50 years in the future"). */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-").appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    public static String format(Instant t) {
        return IMF_FIXDATE.format(t);
    }

    /** Seconds since the epoch, or {@code Long.MIN_VALUE} for a value that is not an HTTP date (then ignored). */
    public static long parseSeconds(String value) {
        if (value == null) {
            return Long.MIN_VALUE;
        }
        // Undertow folds runs of spaces in header values, so asctime's padded day arrives as "Mar 2".
        String v = value.trim().replaceAll(" {2,}", " ");
        for (DateTimeFormatter f : new DateTimeFormatter[] {IMF_FIXDATE, RFC_850, ASCTIME}) {
            try {
                return ZonedDateTime.parse(v, f).toEpochSecond();
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return Long.MIN_VALUE;
    }
}
