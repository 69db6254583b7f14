package io.holdfast.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetentionPolicyTest {

    @ParameterizedTest
    @CsvSource({"7d,P7D", "36h,PT36H", "1d12h,PT36H", "90m,PT1H30M", "45s,PT45S", "0s,PT0S", "P2D,P2D", "pt1h,PT1H"})
    void parsesDurations(String text, String iso) {
        assertEquals(Duration.parse(iso), Durations.parse(text, "--grace"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "7", "d", "7w", "-1d", "7 d", "PT-1H", "1.5d"})
    void rejectsBadDurationsNamingTheSetting(String text) {
        HoldfastException e = assertThrows(HoldfastException.class, () -> Durations.parse(text, "--grace"));
        assertEquals(ErrorKind.USAGE, e.kind());
        assertTrue(e.getMessage().contains("--grace"), e.getMessage());
    }

    @Test
    void formatsExactlyAndApproximately() {
        assertEquals("7d", Durations.format(Duration.ofDays(7)));
        assertEquals("36h", Durations.format(Duration.ofHours(36)));
        assertEquals("90m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("1d", Durations.approx(Duration.ofHours(36)));
        assertEquals("3h", Durations.approx(Duration.ofMinutes(200)));
        assertEquals("0s", Durations.approx(Duration.ofSeconds(-5)));
    }

    @Test
    void settingsRoundTripAndOverride() {
        RetentionPolicy p = RetentionPolicy.DEFAULT.with(Map.of("keep-last", "3", "grace", "2h", "max-remove-fraction", "25%"), "f");
        assertEquals(3, p.keepLast());
        assertEquals(Duration.ofHours(2), p.grace());
        assertEquals(0.25, p.maxRemoveFraction());
        assertEquals(RetentionPolicy.DEFAULT.keepWithin(), p.keepWithin());
        assertEquals(p, RetentionPolicy.DEFAULT.with(p.settings(), "round trip"));
        assertEquals(RetentionPolicy.KEYS, p.settings().keySet());
    }

    @Test
    void rejectsUnknownKeysAndOutOfRangeValuesNamingTheSource() {
        HoldfastException unknown = assertThrows(HoldfastException.class,
                () -> RetentionPolicy.DEFAULT.with(Map.of("keep-lats", "3"), "gc.properties"));
        assertTrue(unknown.getMessage().contains("keep-lats") && unknown.getMessage().contains("gc.properties"));
        assertThrows(HoldfastException.class, () -> RetentionPolicy.DEFAULT.with(Map.of("keep-last", "-1"), "f"));
        assertThrows(HoldfastException.class, () -> RetentionPolicy.DEFAULT.with(Map.of("max-remove-fraction", "1.5"), "f"));
        assertThrows(HoldfastException.class, () -> RetentionPolicy.DEFAULT.with(Map.of("keep-last", "ten"), "f"));
    }
}
