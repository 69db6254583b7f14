package io.holdfast.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The allocation-free header parsers, case by case. */
class HeaderParsingTest {

    @ParameterizedTest(name = "[{0}] br={1} gzip={2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL|true|true|0",
        "''|true|true|0",
        "gzip, deflate, br|true|true|2",
        "gzip, deflate, br, zstd|true|true|2",
        "gzip, deflate|true|true|1",
        "br;q=0.5, gzip;q=0.8|true|true|1",
        "br;q=1.0, gzip;q=1|true|true|2",
        "gzip;q=1, br;q=0.999|true|true|1",
        "br|false|true|0",
        "br|false|false|0",
        "*|true|true|2",
        "*|false|true|1",
        "*;q=0.5, gzip;q=0|true|true|2",
        "identity|true|true|0",
        "identity;q=0|false|false|-1",
        "identity;q=0, gzip|false|true|1",
        "*;q=0|false|false|-1",
        "*;q=0|true|true|-1",
        "*;q=0, identity|true|true|0",
        "*;q=0, identity;q=0.1, gzip;q=0.2|true|true|1",
        "gzip;q=0, br;q=0|true|true|0",
        "gzip;q=0.001|true|true|1",
        "GZIP;Q=0.5|true|true|1",
        "x-gzip|false|true|1",
        "gzip ; q=0.5 , br ; q=0.6|true|true|2",
        "gzip;level=9;q=0.5, br;q=0.4|true|true|1",
        "br;q=bogus, gzip;q=0.5|true|true|2",
        "br;q=2|true|true|2",
        ",,, ,gzip|true|true|1",
    })
    void acceptEncoding(String header, boolean br, boolean gzip, int expected) {
        assertEquals(expected, AcceptEncoding.choose(header, br, gzip));
    }

    @ParameterizedTest(name = "[{0}] strong={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "\"abc\"|false|true",
        "\"abc\"|true|true",
        "W/\"abc\"|false|true",
        "W/\"abc\"|true|false",
        "*|true|true",
        "\"x\", \"abc\"|false|true",
        "\"x\",\"y\"|false|false",
        "\"ab\"|false|false",
        "\"abcd\"|false|false",
        "abc|false|false",
        "\"abc|false|false",
        "W/\"x\", W/\"abc\"|false|true",
        "\"a,b\", \"abc\"|false|true",
    })
    void entityTags(String header, boolean strong, boolean expected) {
        assertEquals(expected, EntityTags.matches(header, "\"abc\"", strong));
    }

    @ParameterizedTest(name = "[{0}] of 1000 -> {1}-{2}")
    @CsvSource(delimiter = '|', value = {
        "bytes=0-99|0|99",
        "bytes=0-0|0|0",
        "bytes=999-|999|999",
        "bytes=-1|999|999",
        "bytes=-2000|0|999",
        "bytes=500-5000|500|999",
        "BYTES=1-2|1|2",
        "bytes= 1-2 |1|2",
        "bytes=1000-|-2|0",
        "bytes=-0|-2|0",
        "bytes=5-4|-1|0",
        "bytes=0-1,3-4|-1|0",
        "bytes=a-b|-1|0",
        "bytes=-|-1|0",
        "items=0-1|-1|0",
        "bytes=99999999999999999999-|-1|0",
        "bytes=1--2|-1|0",
    })
    void ranges(String header, long first, long last) {
        long[] out = new long[1];
        assertEquals(first, RangeSpec.parse(header, 1000, out));
        if (first >= 0) {
            assertEquals(last, out[0]);
        }
    }

    @Test
    void rangesOfAnEmptyRepresentationAreUnsatisfiable() {
        assertEquals(RangeSpec.UNSATISFIABLE, RangeSpec.parse("bytes=0-", 0, new long[1]));
        assertEquals(RangeSpec.UNSATISFIABLE, RangeSpec.parse("bytes=-5", 0, new long[1]));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "/|/",
        "/index.html|/index.html",
        "/a/b/|/a/b/",
        "/caf%C3%A9.css|/café.css",
        "/a%20b|/a b",
        "/.well-known/x|/.well-known/x",
        "/a..b|/a..b",
        "/..|NULL",
        "/a/..|NULL",
        "/a/./b|NULL",
        "/a//b|NULL",
        "//|NULL",
        "/%2e|NULL",
        "/%2E%2e/|NULL",
        "/a%2fb|NULL",
        "/a%5cb|NULL",
        "/a%00|NULL",
        "/a%25|NULL",
        "/a%0a|NULL",
        "/a%|NULL",
        "/a%4|NULL",
        "/a%g0|NULL",
        "/%c0%ae|NULL",
        "/%e0%80%af|NULL",
        "/%ed%a0%80|NULL",
        "/%c2%85|NULL",
        "/%ef%bb%bf|NULL",
        "/%ff|NULL",
        "a/b|NULL",
        "/a\\b|NULL",
        "/a b|NULL",
    })
    void paths(String raw, String expected) {
        assertEquals(expected, PathSafetyHandler.safePath(raw, 100));
    }

    @Test
    void pathLimits() {
        assertEquals("/" + "a".repeat(99), PathSafetyHandler.safePath("/" + "a".repeat(99), 100));
        assertNull(PathSafetyHandler.safePath("/" + "a".repeat(100), 100));
        assertEquals("/x", PathSafetyHandler.rawPath("http://host:8080/x"));
        assertEquals("/", PathSafetyHandler.rawPath("http://host"));
        assertNull(PathSafetyHandler.rawPath("*"));
    }
}
