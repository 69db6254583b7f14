package io.holdfast.publish;

import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;

/**
 * What a publish did; {@code holdfast publish --json} prints it.
 *
 * @param release          the release id (the number {@code --release auto} took)
 * @param files            files in the release
 * @param bytes            their total size (identity bytes)
 * @param blobs            distinct blobs the release references (contents and variants)
 * @param newBlobs         blobs this publish created in the store
 * @param bytesUploaded    bytes of the blobs it created
 * @param seconds          wall time
 * @param alreadyCommitted the release was already committed with this content: nothing was uploaded
 * @param channel          the channel moved to this release, or null
 * @param attempts         lease attempts (more than 1 when a lease was lost and every blob checked again)
 * @param manifest         the release manifest (not printed in the summary)
 */
public record PublishResult(ReleaseId release, int files, long bytes, int blobs, int newBlobs, long bytesUploaded,
                            double seconds, boolean alreadyCommitted, ChannelName channel, int attempts,
                            @com.fasterxml.jackson.annotation.JsonIgnore ReleaseManifest manifest) {
}
