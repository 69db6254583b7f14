package io.holdfast.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.util.regex.Pattern;

/** A channel name such as {@code production}: 1 to 64 of {@code a-z 0-9 _ -}, starting with a letter or digit. */
public record ChannelName(String value) implements Comparable<ChannelName> {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    @JsonCreator
    public ChannelName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new HoldfastException(ErrorKind.INVALID_NAME, "invalid channel name '" + value
                    + "': use 1-64 lowercase letters, digits, '_' or '-', starting with a letter or digit");
        }
    }

    public static ChannelName of(String value) {
        return new ChannelName(value);
    }

    @Override
    public int compareTo(ChannelName o) {
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
