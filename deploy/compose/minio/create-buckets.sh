#!/bin/sh
# Creates the buckets and a least-privilege access key for the services (the MinIO root
# credentials stay with MinIO). Idempotent: safe on every `docker compose up`.
set -eu

mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
for bucket in "$S3_IMAGES_BUCKET" "$S3_DOWNLOADS_BUCKET"; do
  mc mb --ignore-existing "local/$bucket"
done

cat > /tmp/companion-policy.json <<JSON
{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketLocation"],
    "Resource": ["arn:aws:s3:::$S3_IMAGES_BUCKET", "arn:aws:s3:::$S3_IMAGES_BUCKET/*",
                 "arn:aws:s3:::$S3_DOWNLOADS_BUCKET", "arn:aws:s3:::$S3_DOWNLOADS_BUCKET/*"]
  }]
}
JSON
mc admin policy create local companion-services /tmp/companion-policy.json 2>/dev/null || true
mc admin user add local "$S3_ACCESS_KEY" "$S3_SECRET_KEY"
mc admin policy attach local companion-services --user "$S3_ACCESS_KEY" 2>/dev/null || true
echo "buckets and service user ready"
