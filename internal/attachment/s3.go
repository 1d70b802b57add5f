package attachment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says where an S3-compatible store keeps the blobs. It is
// written as a URL (--blob-store, PALIER_BLOB_STORE):
//
//	s3://BUCKET[/PREFIX]?endpoint=HOST[:PORT]&region=REGION&tls=true&path_style=false
//
// endpoint defaults to s3.amazonaws.com, tls to true, path_style to false
// (virtual-host buckets; set it for MinIO, Garage and most self-hosted
// servers). The keys are never in the URL (it ends up in process lists and
// logs): they come from PALIER_S3_ACCESS_KEY and PALIER_S3_SECRET_KEY.
type S3Config struct {
	Bucket    string
	Prefix    string // object names start with it ("" or ends with "/")
	Endpoint  string
	Region    string
	TLS       bool
	PathStyle bool
	AccessKey string
	SecretKey string
}

// ParseS3URL reads a blob-store URL (see S3Config); the keys are added by
// the caller.
func ParseS3URL(raw string) (S3Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return S3Config{}, fmt.Errorf("blob store: %w", err)
	}
	if u.Scheme != "s3" || u.Host == "" || u.User != nil || u.Fragment != "" {
		return S3Config{}, errors.New("blob store: write s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=REGION (keys go in PALIER_S3_ACCESS_KEY and PALIER_S3_SECRET_KEY, never in the URL)")
	}
	c := S3Config{Bucket: u.Host, Endpoint: "s3.amazonaws.com", TLS: true}
	if p := strings.Trim(u.Path, "/"); p != "" {
		c.Prefix = p + "/"
	}
	for k, v := range u.Query() {
		if len(v) != 1 {
			return S3Config{}, fmt.Errorf("blob store: %s is given %d times", k, len(v))
		}
		switch k {
		case "endpoint":
			if v[0] == "" || strings.Contains(v[0], "/") {
				return S3Config{}, fmt.Errorf("blob store: endpoint is a host and port, not %q", v[0])
			}
			c.Endpoint = v[0]
		case "region":
			c.Region = v[0]
		case "tls", "path_style":
			b, err := strconv.ParseBool(v[0])
			if err != nil {
				return S3Config{}, fmt.Errorf("blob store: %s is true or false, not %q", k, v[0])
			}
			if k == "tls" {
				c.TLS = b
			} else {
				c.PathStyle = b
			}
		default:
			return S3Config{}, fmt.Errorf("blob store: unknown setting %q (endpoint, region, tls, path_style)", k)
		}
	}
	return c, nil
}

// S3 is the blob store in an S3-compatible bucket: one object per blob,
// named by its hash (PREFIX/ab/abcdef…), so the same bytes are kept once,
// as on disk.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
	tmp    string // where an upload is spooled while it is hashed
	now    func() time.Time
}

// NewS3 connects to the bucket c names and checks that it is there.
// tmpDir holds uploads while they are hashed (their name is their hash,
// known only at the end).
func NewS3(ctx context.Context, c S3Config, tmpDir string, transport http.RoundTripper) (*S3, error) {
	if c.AccessKey == "" || c.SecretKey == "" {
		return nil, errors.New("blob store: set PALIER_S3_ACCESS_KEY and PALIER_S3_SECRET_KEY")
	}
	lookup := minio.BucketLookupDNS
	if c.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(c.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: c.TLS, Region: c.Region, BucketLookup: lookup, Transport: transport})
	if err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	ok, err := client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob store: bucket %s: %w", c.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("blob store: bucket %s does not exist", c.Bucket)
	}
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	return &S3{client: client, bucket: c.Bucket, prefix: c.Prefix, tmp: tmpDir, now: time.Now}, nil
}

func (s *S3) key(sha string) string { return s.prefix + sha[:2] + "/" + sha }

// Put spools r to a temporary file while hashing it, then uploads it
// under its hash unless that object already exists (deduplication). The
// upload has completed (the server answered) before Put returns.
func (s *S3) Put(ctx context.Context, r io.Reader, max int64) (Blob, error) {
	tmp, b, err := spool(ctx, s.tmp, r, max)
	if err != nil {
		return Blob{}, err
	}
	defer discard(tmp)
	if _, err := s.client.StatObject(ctx, s.bucket, s.key(b.SHA256), minio.StatObjectOptions{}); err == nil {
		return b, nil
	} else if !notFound(err) {
		return Blob{}, fmt.Errorf("attachment stat: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Blob{}, fmt.Errorf("attachment rewind: %w", err)
	}
	// The type is not the file's (sniffed later, served by us): the
	// bucket is never what a browser reads.
	_, err = s.client.PutObject(ctx, s.bucket, s.key(b.SHA256), tmp, b.Size,
		minio.PutObjectOptions{ContentType: "application/octet-stream", DisableMultipart: b.Size < 64<<20})
	if err != nil {
		return Blob{}, fmt.Errorf("attachment upload: %w", err)
	}
	return b, nil
}

// Open reads a stored blob; a missing one is fs.ErrNotExist. The reader
// seeks with ranged requests, so a download can resume.
func (s *S3) Open(ctx context.Context, sha string) (io.ReadSeekCloser, error) {
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
		return nil, fs.ErrNotExist
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.key(sha), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("attachment open: %w", err)
	}
	// GetObject is lazy: ask now, so a missing blob is an error here
	// rather than in the middle of an answer.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if notFound(err) {
			return nil, fs.ErrNotExist
		}
		return nil, fmt.Errorf("attachment open: %w", err)
	}
	return obj, nil
}

// Sweep removes the blobs no row names (keep reports whether one does),
// older than an hour (a blob written just now may be about to be named),
// and returns how many it removed: the disk store's rule, for a bucket.
func (s *S3) Sweep(ctx context.Context, keep func(sha string) (bool, error)) (int, error) {
	removed := 0
	cutoff := s.now().Add(-time.Hour)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing if we return early
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return removed, fmt.Errorf("attachment sweep: %w", obj.Err)
		}
		sha := path.Base(obj.Key)
		if obj.LastModified.After(cutoff) || len(sha) != 64 || obj.Key != s.key(sha) {
			continue // recent, or not a blob of ours
		}
		ok, err := keep(sha)
		if err != nil {
			return removed, err
		}
		if ok {
			continue
		}
		if err := s.client.RemoveObject(ctx, s.bucket, obj.Key, minio.RemoveObjectOptions{}); err != nil {
			return removed, fmt.Errorf("attachment sweep: %w", err)
		}
		removed++
	}
	return removed, nil
}

func notFound(err error) bool {
	code := minio.ToErrorResponse(err).Code
	return code == minio.NoSuchKey || code == "NotFound"
}

// Sweeper is a blob store that can remove the blobs no attachment names.
type Sweeper interface {
	Sweep(ctx context.Context, keep func(sha string) (bool, error)) (int, error)
}

var (
	_ Blobs   = (*S3)(nil)
	_ Sweeper = (*S3)(nil)
	_ Blobs   = (*Disk)(nil)
	_ Sweeper = (*Disk)(nil)
)
