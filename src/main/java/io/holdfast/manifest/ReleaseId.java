package io.holdfast.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.util.regex.Pattern;

/**
 * A release id: 1 to 64 of {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit. Safe as a store key
 * segment and a URL segment without escaping. Sequential ids ({@code --release auto}) are plain numbers.
 */
public record ReleaseId(String value) implements Comparable<ReleaseId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @JsonCreator
    public ReleaseId {
        if (value == null || !VALID.matcher(value).matches() || value.contains("..")) {
            throw new HoldfastException(ErrorKind.INVALID_NAME, "invalid release id '" + value
                    + "': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public static ReleaseId of(String value) {
        return new ReleaseId(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches() && !value.contains("..");
    }

    /** Numeric ids sort numerically, others by text, numbers first: 9 before 10 before "abc". */
    @Override
    public int compareTo(ReleaseId o) {
        boolean a = value.chars().allMatch(Character::isDigit);
        boolean b = o.value.chars().allMatch(Character::isDigit);
        if (a && b) {
            int byLength = Integer.compare(value.length(), o.value.length());
            return byLength != 0 ? byLength : value.compareTo(o.value);
        }
        if (a != b) {
            return a ? -1 : 1;
        }
        return value.compareTo(o.value);
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
