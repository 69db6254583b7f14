package io.holdfast.origin.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpDatesTest {
    @Test
    void formatsImfFixdateWithTwoDigitDays() {
        assertEquals("Sat, 02 Mar 2024 10:00:00 GMT", HttpDates.format(Instant.parse("2024-03-02T10:00:00.789Z")));
    }

    @Test
    void parsesTheThreeFormsAndRejectsTheRest() {
        long t = Instant.parse("1994-11-06T08:49:37Z").getEpochSecond();
        assertEquals(t, HttpDates.parseSeconds("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(t, HttpDates.parseSeconds("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(t, HttpDates.parseSeconds("Sun Nov  6 08:49:37 1994"));
        assertEquals(t, HttpDates.parseSeconds("Sun Nov 6 08:49:37 1994"));
        assertEquals(Instant.parse("2024-03-02T10:00:00Z").getEpochSecond(), HttpDates.parseSeconds("Saturday, 02-Mar-24 10:00:00 GMT"));
        assertEquals(Long.MIN_VALUE, HttpDates.parseSeconds("yesterday"));
        assertEquals(Long.MIN_VALUE, HttpDates.parseSeconds("Sun, 06 Nov 1994 08:49:37 PST"));
        assertEquals(Long.MIN_VALUE, HttpDates.parseSeconds(null));
    }
}
