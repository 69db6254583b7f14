package io.holdfast.testing;

import com.google.common.util.concurrent.Striped;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Makes S3Proxy's conditional writes atomic, as AWS S3's are. S3Proxy 4.1 checks {@code If-None-Match} and
 * {@code If-Match} and then writes, in two steps: under load two racing compare-and-swaps on one key can both
 * win (seen in the storage contract's race test). It passes both conditions on to the backend, so this backend
 * wrapper checks them again while holding a per-key lock across check and write; deletes take the same lock.
 */
final class AtomicConditionalWrites extends ForwardingBlobStore {
    private final Striped<Lock> locks = Striped.lock(256);

    AtomicConditionalWrites(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        Lock lock = locks.get(request.bucket() + "/" + request.key());
        lock.lock();
        try {
            try {
                check(request.bucket(), request.key(), request.ifMatch(), request.ifNoneMatch());
            } catch (S3ProxyException e) {
                // Read the body before refusing, as S3 does: an early answer breaks the client's pipe mid-upload.
                drain(content);
                throw e;
            }
            return super.putBlob(request, content);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                                                                   CompleteMultipartUploadRequest request) {
        Lock lock = locks.get(upload.containerName() + "/" + upload.blobName());
        lock.lock();
        try {
            check(upload.containerName(), upload.blobName(), request.ifMatch(), request.ifNoneMatch());
            return super.completeMultipartUpload(upload, request);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        Lock lock = locks.get(request.bucket() + "/" + request.key());
        lock.lock();
        try {
            return super.removeBlob(request);
        } finally {
            lock.unlock();
        }
    }

    /** One key at a time through {@link #removeBlob}: the backend's own batch delete bypasses the locks. */
    @Override
    public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest request) {
        List<DeletedObject> deleted = new ArrayList<>();
        for (ObjectIdentifier id : request.delete().objects()) {
            removeBlob(DeleteObjectRequest.builder().bucket(request.bucket()).key(id.key()).build());
            deleted.add(DeletedObject.builder().key(id.key()).build());
        }
        return DeleteObjectsResponse.builder().deleted(deleted).build();
    }

    private void check(String bucket, String key, String ifMatch, String ifNoneMatch) {
        if (ifMatch == null && ifNoneMatch == null) {
            return;
        }
        HeadObjectResponse current = delegate().blobMetadataIfPresent(bucket, key);
        if ("*".equals(ifNoneMatch) && current != null) {
            throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
        }
        if (ifMatch != null) {
            if (current == null) {
                throw new S3ProxyException(S3ErrorCode.NO_SUCH_KEY);
            }
            if (!"*".equals(ifMatch) && !unquoted(ifMatch).equals(unquoted(current.eTag()))) {
                throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
            }
        }
    }

    private static String unquoted(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }

    private static void drain(InputStream content) {
        try {
            content.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (java.io.IOException ignored) {
            // the client went away; the refusal stands
        }
    }
}
