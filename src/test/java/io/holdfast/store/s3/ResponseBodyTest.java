package io.holdfast.store.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

class ResponseBodyTest {
    private final AtomicBoolean aborted = new AtomicBoolean();

    private ResponseInputStream<GetObjectResponse> response(int size) {
        return new ResponseInputStream<>(GetObjectResponse.builder().build(),
                AbortableInputStream.create(new ByteArrayInputStream(new byte[size]), () -> aborted.set(true)));
    }

    @Test
    void closingEarlyAbortsTheConnection() throws IOException {
        ResponseInputStream<GetObjectResponse> in = response(1000);
        try (ResponseBody body = new ResponseBody(in, in, 1000)) {
            assertEquals(10, body.readNBytes(10).length);
        }
        assertTrue(aborted.get());
    }

    @Test
    void readingEverythingKeepsTheConnection() throws IOException {
        ResponseInputStream<GetObjectResponse> in = response(1000);
        try (ResponseBody body = new ResponseBody(in, in, 1000)) {
            assertEquals(1000, body.readNBytes(1000).length, "exactly the length, without reading the end marker");
        }
        assertFalse(aborted.get());
    }

    @Test
    void aSliceOfALargerResponseAlwaysAborts() throws IOException {
        ResponseInputStream<GetObjectResponse> in = response(1000);
        try (ResponseBody body = new ResponseBody(com.google.common.io.ByteStreams.limit(in, 10), in, 10)) {
            assertEquals(10, body.readAllBytes().length);
        }
        assertTrue(aborted.get(), "the rest of the object is not downloaded");
    }
}
