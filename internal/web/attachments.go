package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/text"
)

// Attachments in the agent UI: the composer sends files with a reply or a
// note (multipart/form-data), the timeline lists each message's files
// (safe images previewed), and /attachments/{id} downloads one to whoever
// may see its ticket.

// fileItem is one attached file on the timeline.
type fileItem struct {
	ID    int64
	Name  string
	Size  string
	Image bool // previewable: PNG, JPEG, GIF or WebP
}

// withFiles adds each message's files to its timeline item.
func (s *server) withFiles(ctx context.Context, rq *request, ticketID int64, items []eventItem) ([]eventItem, error) {
	byEvent, err := s.d.TicketAttachments(ctx, rq.actor, ticketID)
	if err != nil || len(byEvent) == 0 {
		return items, err
	}
	for i := range items {
		for _, a := range byEvent[items[i].ID] {
			items[i].Files = append(items[i].Files, fileItem{ID: a.ID, Name: a.Filename, Size: attachment.FormatSize(a.Size),
				Image: attachment.Previewable(a.ContentType)})
		}
	}
	return items, nil
}

// formFiles parses a multipart composer post and returns its files; an
// urlencoded post (no files) returns none. The body is limited to what the
// attachment limits allow.
func (s *server) formFiles(w http.ResponseWriter, r *http.Request) ([]desk.Upload, func(), error) {
	done := func() {}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return nil, done, nil
	}
	lim := s.d.AttachmentLimits()
	r.Body = http.MaxBytesReader(w, r.Body, int64(lim.MaxFiles+1)*lim.MaxFileBytes+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, done, problem.New(problem.TooLarge, "body_too_large", "the request body is too large").
				With("limit", attachment.FormatSize(int64(lim.MaxFiles)*lim.MaxFileBytes))
		}
		return nil, done, badParameter("form")
	}
	form := r.MultipartForm
	done = func() { form.RemoveAll() }
	// The same text rules as urlencoded forms (checkText sees only those).
	if f := text.CheckValues(form.Value, false); len(f) > 0 {
		return nil, done, problem.New(problem.BadRequest, "bad_text", "a field contains a character that is not allowed")
	}
	var files []desk.Upload
	for _, fh := range form.File["files"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // an empty file input
		}
		files = append(files, upload(fh))
	}
	return files, done, nil
}

func upload(fh *multipart.FileHeader) desk.Upload {
	return desk.Upload{Filename: fh.Filename, DeclaredType: fh.Header.Get("Content-Type"), Size: fh.Size,
		Open: func() (io.ReadCloser, error) { return fh.Open() }}
}

// fileRefusal turns a refused file (too large, too many) into the
// composer's field error, so the agent keeps what they typed.
func fileRefusal(rq *request, err error) (formErrors, bool) {
	if fe, ok := rq.loc.fieldErrors(err); ok {
		return fe, true
	}
	if p, ok := problem.As(err); ok && (p.Code == "attachment_too_large" || p.Code == "attachments_too_large" || p.Code == "body_too_large" || p.Code == "attachments_disabled") {
		return formErrors{"files": rq.loc.Error(err)}, true
	}
	return nil, false
}

// download serves an attachment to whoever may see its ticket.
func (s *server) download(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	return serveFile(w, r)(s.d.OpenAttachment(r.Context(), rq.actor, id))
}

// serveFile sends an attachment the desk opened (to an agent or to a
// customer), or returns the desk's refusal.
func serveFile(w http.ResponseWriter, r *http.Request) func(attachment.Attachment, io.ReadSeekCloser, error) error {
	return func(at attachment.Attachment, body io.ReadSeekCloser, err error) error {
		if err != nil {
			return err
		}
		defer body.Close()
		attachment.Serve(w, r, at, body)
		return nil
	}
}

// filesHint states the attachment limits under the composer's file input.
func (s *server) filesHint(ctx context.Context, rq *request) string {
	// The workspace's limits (its admin may set lower ones than the
	// server's); the server's if they cannot be read. The read runs on the
	// request's context, so it ends with the request: on a context of its
	// own it could wait for a database connection for ever.
	lim, _ := s.d.WorkspaceAttachmentLimits(ctx, rq.actor.WorkspaceID)
	return rq.loc.T("attachments.limits", "files", strconv.Itoa(lim.MaxFiles), "size", attachment.FormatSize(lim.MaxFileBytes))
}
