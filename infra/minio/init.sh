#!/bin/sh
# One-shot MinIO setup for docker-compose.yml, run in the minio/mc image; safe to run again.
# Creates both buckets (private) and an application user whose policy reaches only those two
# buckets, so the services never hold the MinIO root credentials.
# Shell built-ins only (plus mc and sleep): the mc image is minimal.
set -eu

: "${MINIO_URL:=http://minio:9000}"
: "${MINIO_ROOT_USER:?set MINIO_ROOT_USER}"
: "${MINIO_ROOT_PASSWORD:?set MINIO_ROOT_PASSWORD}"
: "${S3_ACCESS_KEY:?set S3_ACCESS_KEY (the application user)}"
: "${S3_SECRET_KEY:?set S3_SECRET_KEY (the application user, 8 characters or more)}"
: "${S3_BUCKET_ORIGINALS:?set S3_BUCKET_ORIGINALS}"
: "${S3_BUCKET_GENERATED:?set S3_BUCKET_GENERATED}"

POLICY=reimagine-app
POLICY_FILE=/tmp/reimagine-app-policy.json

# The server may still be opening its drives when its health check first passes.
tries=0
until mc alias set local "$MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then
    echo "MinIO at $MINIO_URL did not accept the root credentials after 30 tries" >&2
    exit 1
  fi
  sleep 1
done

for bucket in "$S3_BUCKET_ORIGINALS" "$S3_BUCKET_GENERATED"; do
  mc mb --ignore-existing "local/$bucket"
  # Private: images leave only through presigned URLs handed out by the command API.
  mc anonymous set none "local/$bucket"
done

printf '%s\n' "{
  \"Version\": \"2012-10-17\",
  \"Statement\": [
    {
      \"Effect\": \"Allow\",
      \"Action\": [\"s3:GetBucketLocation\", \"s3:ListBucket\"],
      \"Resource\": [\"arn:aws:s3:::$S3_BUCKET_ORIGINALS\", \"arn:aws:s3:::$S3_BUCKET_GENERATED\"]
    },
    {
      \"Effect\": \"Allow\",
      \"Action\": [\"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\"],
      \"Resource\": [\"arn:aws:s3:::$S3_BUCKET_ORIGINALS/*\", \"arn:aws:s3:::$S3_BUCKET_GENERATED/*\"]
    }
  ]
}" >"$POLICY_FILE"

mc admin policy create local "$POLICY" "$POLICY_FILE"
mc admin user add local "$S3_ACCESS_KEY" "$S3_SECRET_KEY"
# Attaching a policy that is already attached is an error in mc: attach only when missing.
info=$(mc admin user info local "$S3_ACCESS_KEY")
case "$info" in
  *"$POLICY"*) ;;
  *) mc admin policy attach local "$POLICY" --user "$S3_ACCESS_KEY" ;;
esac

echo "MinIO ready: buckets $S3_BUCKET_ORIGINALS and $S3_BUCKET_GENERATED, user $S3_ACCESS_KEY ($POLICY)"
