package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/jobs"
)

// openBlobs returns the attachment store: the S3-compatible bucket that
// --blob-store names (keys from the environment, never from the URL), or
// the directory.
func openBlobs(ctx context.Context, storeURL, dir string, log *slog.Logger) (attachment.Blobs, error) {
	if storeURL == "" {
		return attachment.NewDisk(dir)
	}
	c, err := attachment.ParseS3URL(storeURL)
	if err != nil {
		return nil, err
	}
	c.AccessKey, c.SecretKey = os.Getenv("PALIER_S3_ACCESS_KEY"), os.Getenv("PALIER_S3_SECRET_KEY")
	s, err := attachment.NewS3(ctx, c, filepath.Join(dir, "tmp"), nil)
	if err != nil {
		return nil, err
	}
	log.Info("attachments kept in an S3-compatible bucket", "bucket", c.Bucket, "prefix", c.Prefix, "endpoint", c.Endpoint)
	return s, nil
}

// sweepBlobs removes, every hour, the blobs no attachment names (left by
// messages refused or rolled back after their files were stored).
func sweepBlobs(ctx context.Context, d *desk.Service, log *slog.Logger) {
	jobs.Every(ctx, time.Hour, func(ctx context.Context) {
		if n, err := d.SweepAttachments(ctx); err != nil {
			log.Warn("attachment sweep", "err", err)
		} else if n > 0 {
			log.Info("attachment sweep", "removed", n)
		}
	})
}
