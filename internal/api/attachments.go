package api

import (
	"cmp"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// Attachments over the API. A reply or a note carries files when it is
// sent as multipart/form-data: a part "message" holding the JSON body the
// route takes otherwise, and one part "files" per file. The files and the
// message are stored together or not at all. Downloads answer the file
// itself (not JSON), to whoever may see the ticket.

// attachmentSchemas documents attachments and the multipart message.
func attachmentSchemas() map[string]any {
	return map[string]any{
		"Attachment": object([]string{"id", "ticket_id", "event_id", "filename", "declared_type", "content_type", "size", "sha256", "created_at", "url"}, schema{
			"id": integer(""), "ticket_id": integer(""), "event_id": integer("The message it came with."),
			"filename": str(""), "declared_type": str("What the sender said it was; never trusted."),
			"content_type": str("What its bytes are (sniffed): the type it is served as."),
			"size":         integer("Bytes."), "sha256": str("Hex."), "inline": boolean("An email's inline image."),
			"created_at": when(""), "url": str("Where to download it (GET, with the token)."),
		}),
		"File":           schema{"type": "string", "format": "binary", "description": "The file's bytes."},
		"AttachmentList": object([]string{"data"}, schema{"data": list(ref("Attachment"), "")}),
		"MessageWithFiles": object([]string{"message"}, schema{
			"message": str("The JSON body of the route (Reply or Note)."),
			"files":   list(schema{"type": "string", "format": "binary"}, "The files, one part each, within the workspace's limits per message (set by its admin under the server's --attachment-max-files, default 10, and --attachment-max-mib, default 25 MiB per file): 413 attachment_too_large for a file, 413 attachments_too_large for the total, 422 files too_many."),
		}),
	}
}

type attachmentJSON struct {
	attachment.Attachment
	URL string `json:"url"`
}

func attachmentOut(a attachment.Attachment) attachmentJSON {
	return attachmentJSON{Attachment: a, URL: pathOf("/attachments", a.ID)}
}

// decodeMessage reads a reply's or a note's body, as JSON or as
// multipart/form-data with files. done removes the spooled files.
func (c *call) decodeMessage(a *API, v any) (files []desk.Upload, done func(), err error) {
	done = func() {}
	mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return nil, done, c.decode(v)
	}
	lim := a.desk.AttachmentLimits()
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, int64(lim.MaxFiles+1)*lim.MaxFileBytes+MaxBody)
	if err := c.r.ParseMultipartForm(1 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, done, errBodyTooLarge
		}
		return nil, done, errBadMultipart
	}
	form := c.r.MultipartForm
	done = func() { form.RemoveAll() }
	for k := range form.Value {
		if k != "message" {
			return nil, done, errBadMultipart.With("part", k)
		}
	}
	for k := range form.File {
		if k != "files" {
			return nil, done, errBadMultipart.With("part", k)
		}
	}
	if len(form.Value["message"]) != 1 {
		return nil, done, errBadMultipart.With("part", "message")
	}
	if err := decodeJSON([]byte(form.Value["message"][0]), v); err != nil {
		return nil, done, err
	}
	for _, fh := range form.File["files"] {
		files = append(files, upload(fh))
	}
	return files, done, nil
}

var errBadMultipart = problem.New(problem.BadRequest, "bad_multipart",
	`send a multipart/form-data body with one part "message" (the JSON body) and parts "files"`)

func upload(fh *multipart.FileHeader) desk.Upload {
	return desk.Upload{Filename: fh.Filename, DeclaredType: fh.Header.Get("Content-Type"), Size: fh.Size,
		Open: func() (io.ReadCloser, error) { return fh.Open() }}
}

// eventAttachments lists the files stored with one event, for a message's
// answer.
func (a *API) eventAttachments(c *call, ticketID, eventID int64) ([]attachmentJSON, error) {
	byEvent, err := a.desk.TicketAttachments(c.r.Context(), c.actor, ticketID)
	if err != nil {
		return nil, err
	}
	var out []attachmentJSON
	for _, at := range byEvent[eventID] {
		out = append(out, attachmentOut(at))
	}
	return out, nil
}

func (a *API) listTicketAttachments(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	byEvent, err := a.desk.TicketAttachments(c.r.Context(), c.actor, id)
	if err != nil {
		return nil, err
	}
	out := []attachmentJSON{}
	for _, list := range byEvent {
		for _, at := range list {
			out = append(out, attachmentOut(at))
		}
	}
	slices.SortFunc(out, func(x, y attachmentJSON) int { return cmp.Compare(x.ID, y.ID) })
	return struct {
		Data []attachmentJSON `json:"data"`
	}{out}, nil
}

// download is an answer that is a file, not JSON.
type download struct {
	at   attachment.Attachment
	body io.ReadSeekCloser
}

func (a *API) getAttachment(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	at, body, err := a.desk.OpenAttachment(c.r.Context(), c.actor, id)
	if err != nil {
		return nil, err
	}
	return download{at: at, body: body}, nil
}

// writeDownload serves a download answer.
func writeDownload(c *call, d download) {
	defer d.body.Close()
	attachment.Serve(c.w, c.r, d.at, d.body)
}

// messageAnswer is the 201 answer to a reply or a note, with its files.
func (a *API) messageAnswer(c *call, e ticket.Event, t ticket.Ticket, files int) (any, error) {
	out := messageOut{Event: eventOut(e), Ticket: ticketOut(t)}
	if files > 0 {
		list, err := a.eventAttachments(c, t.ID, e.ID)
		if err != nil {
			return nil, err
		}
		out.Attachments = list
	}
	c.status = http.StatusCreated
	return out, nil
}
