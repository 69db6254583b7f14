package io.holdfast.origin;

import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;

/** The conformance table on a store without local files and no disk cache: large blobs are streamed. */
class RemoteStreamingConformanceTest extends OriginConformanceTest {
    @Override
    BlobStore openStore(Path dir) {
        return new RemoteStore(new FileSystemStore(dir, true));
    }
}
