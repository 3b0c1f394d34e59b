"""S3 multipart storage through one long-lived boto3 client.

Each upload is an S3 multipart upload; part ``i`` is ``PartNumber`` ``i + 1``, sent with a
``Content-MD5`` header (base64 of the digest, so S3 itself rejects a corrupted part). S3 only
shows the object once ``CompleteMultipartUpload`` succeeds. When the client promised a
whole-file SHA-256, the parts are completed into a staging key, hashed by streaming, and only
then copied to the real key, so an object that fails the check is never visible.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any, BinaryIO

from tarento_lib._validate import require_int, require_str
from tarento_lib.uploads.errors import ChecksumMismatch, StorageError
from tarento_lib.uploads.storage.base import BufferedPart, MiB, decode_ref, encode_ref, validate_key

__all__ = ["STAGING_PREFIX", "S3Storage"]

STAGING_PREFIX = ".staging/"
_BLOCK = MiB


def _error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


class S3Storage:
    """Uploads as S3 multipart uploads in ``bucket`` under ``prefix``.

    ``client`` is a boto3 S3 client made once per process and reused for every call
    (building one per request costs a connection pool and, on AWS, a TLS handshake).
    """

    max_parts = 10_000
    part_checksum = "md5"  # S3's part ETag is the part's MD5, and S3 checks it against Content-MD5

    def __init__(
        self, client: Any, bucket: str, *, prefix: str = "", min_part_size: int = 5 * MiB
    ) -> None:
        if not hasattr(client, "create_multipart_upload"):
            raise TypeError("client must be a boto3 S3 client")
        require_str(bucket, "bucket", non_empty=True)
        if prefix and (not prefix.endswith("/") or prefix.startswith("/")):
            raise ValueError(
                f"prefix must be empty or like 'a/b/' (relative, ending in '/'), got {prefix!r}"
            )
        self.client, self.bucket, self.prefix = client, bucket, prefix
        self.min_part_size = require_int(min_part_size, "min_part_size", minimum=1)

    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, operation)(Bucket=self.bucket, **kwargs)
        except Exception as exc:  # botocore's ClientError / EndpointConnectionError
            if type(exc).__module__.startswith("botocore"):
                raise StorageError(f"S3 {operation} failed: {exc}") from exc
            raise

    def _parse(self, ref: str) -> tuple[str, str, str]:
        return decode_ref(ref, "key", "target", "upload_id")

    # -- the Storage protocol -----------------------------------------------------------
    def begin(self, key: str, *, content_type: str, verify: bool) -> str:
        target = self.prefix + validate_key(key)
        upload_key = self.prefix + STAGING_PREFIX + key if verify else target
        reply = self._call("create_multipart_upload", Key=upload_key, ContentType=content_type)
        return encode_ref(key=upload_key, target=target, upload_id=reply["UploadId"])

    def write_part(self, ref: str, index: int, data: bytes, digest: bytes, *, offset: int) -> None:
        key, _, upload_id = self._parse(ref)
        self._call(
            "upload_part",
            Key=key,
            UploadId=upload_id,
            PartNumber=index + 1,
            Body=data,
            ContentMD5=base64.b64encode(digest).decode("ascii"),
        )

    def open_part(self, ref: str, index: int, *, offset: int, length: int) -> BufferedPart:
        return BufferedPart(self, ref, index, offset=offset, length=length)

    def _parts(self, key: str, upload_id: str) -> list[dict[str, Any]]:
        parts: list[dict[str, Any]] = []
        marker = 0
        while True:
            page = self._call("list_parts", Key=key, UploadId=upload_id, PartNumberMarker=marker)
            parts.extend(page.get("Parts", []))
            if not page.get("IsTruncated"):
                return parts
            marker = page["NextPartNumberMarker"]

    def list_parts(self, ref: str) -> dict[int, str]:
        key, _, upload_id = self._parse(ref)
        return {p["PartNumber"] - 1: p["ETag"].strip('"') for p in self._parts(key, upload_id)}

    def finish(self, ref: str, parts: dict[int, str], *, sha256: str | None) -> None:
        key, target, upload_id = self._parse(ref)
        held = {p["PartNumber"] - 1: p["ETag"] for p in self._parts(key, upload_id)}
        if any(held.get(i, "").strip('"') != md5 for i, md5 in parts.items()):
            raise StorageError(
                "S3 holds different parts than the session recorded; re-send the missing ones"
            )
        listing = [{"PartNumber": i + 1, "ETag": held[i]} for i in sorted(parts)]
        if (
            not listing
        ):  # an empty file: S3 completes no upload without a part, so send one of 0 bytes
            empty = self._call("upload_part", Key=key, UploadId=upload_id, PartNumber=1, Body=b"")
            listing = [{"PartNumber": 1, "ETag": empty["ETag"]}]
        self._call(
            "complete_multipart_upload",
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": listing},
        )
        if key != target:
            self._verify_and_promote(key, target, sha256)

    def _verify_and_promote(self, staged: str, target: str, sha256: str | None) -> None:
        try:
            digest = self._sha256(staged)
            if sha256 is not None and digest != sha256:
                raise ChecksumMismatch(
                    f"SHA-256 of the assembled file is {digest}, expected {sha256}", scope="file"
                )
            self.client.copy({"Bucket": self.bucket, "Key": staged}, self.bucket, target)
        finally:
            self._call("delete_object", Key=staged)

    def _sha256(self, key: str) -> str:
        hasher = hashlib.sha256()
        body = self._call("get_object", Key=key)["Body"]
        for block in body.iter_chunks(_BLOCK):
            hasher.update(block)
        return hasher.hexdigest()

    def abort(self, ref: str) -> None:
        key, _, upload_id = self._parse(ref)
        try:
            self._call("abort_multipart_upload", Key=key, UploadId=upload_id)
        except StorageError as exc:
            if _error_code(exc.__cause__) != "NoSuchUpload":
                raise

    def pending(self) -> list[str]:
        reply = self._call("list_multipart_uploads", Prefix=self.prefix)
        return [
            encode_ref(key=u["Key"], target=u["Key"], upload_id=u["UploadId"])
            for u in reply.get("Uploads", [])
        ]

    def open(self, key: str) -> BinaryIO:
        try:
            return self._call("get_object", Key=self.prefix + validate_key(key))["Body"]
        except StorageError as exc:
            if _error_code(exc.__cause__) in ("NoSuchKey", "404"):
                raise KeyError(key) from None
            raise

    def presigned_url(self, key: str, *, expires_in: int = 3600) -> str:
        """A time-limited GET URL for ``key``: the client downloads from S3, not through us."""
        return self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": self.prefix + validate_key(key)},
            ExpiresIn=require_int(expires_in, "expires_in", minimum=1, maximum=7 * 24 * 3600),
        )

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Key=self.prefix + validate_key(key))
        except StorageError as exc:
            if _error_code(exc.__cause__) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=self.prefix + validate_key(key))

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"
