package desk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// Attachments: files on a ticket's messages. The bytes go to the blob
// store first (durably, under their hash); the rows naming them are
// written in the message's own transaction, so a row never names a
// missing blob, and a refused or rolled-back message leaves at most an
// unnamed blob that the sweep removes.

// attachments is the desk's attachment configuration; nil blobs means
// attachments are refused.
type attachments struct {
	blobs  attachment.Blobs
	limits attachment.Limits
}

// EnableAttachments stores attachments in blobs, with limits per message.
func (d *Service) EnableAttachments(blobs attachment.Blobs, limits attachment.Limits) {
	d.files = &attachments{blobs: blobs, limits: limits.OrDefault()}
}

// AttachmentLimits returns the server's limits per message (the
// defaults when attachments are not enabled): the ceiling of every
// workspace's, and what bounds a request's body before its workspace is
// known.
func (d *Service) AttachmentLimits() attachment.Limits {
	if d.files == nil {
		return attachment.Limits{}.OrDefault()
	}
	return d.files.limits
}

// WorkspaceAttachmentLimits returns the limits files must meet in a
// workspace: what its admin set, within the server's.
func (d *Service) WorkspaceAttachmentLimits(ctx context.Context, wsID int64) (attachment.Limits, error) {
	set, err := d.store.AttachmentLimits(ctx, wsID)
	return set.Within(d.AttachmentLimits()), err
}

// AttachmentLimitsSettings is what the admin page shows: the workspace's
// settings (zero: the server's) and the server's ceiling.
type AttachmentLimitsSettings struct {
	Set, Ceiling attachment.Limits
}

// AttachmentLimitsSetup returns a workspace's attachment settings (admins).
func (d *Service) AttachmentLimitsSetup(ctx context.Context, a auth.Actor) (AttachmentLimitsSettings, error) {
	if err := requireAdmin(a); err != nil {
		return AttachmentLimitsSettings{}, err
	}
	set, err := d.store.AttachmentLimits(ctx, a.WorkspaceID)
	return AttachmentLimitsSettings{Set: set, Ceiling: d.AttachmentLimits()}, err
}

// SetAttachmentLimits saves a workspace's limits (admins, audited). A
// zero field means the server's limit; a limit above the server's is
// refused, naming the server's.
func (d *Service) SetAttachmentLimits(ctx context.Context, a auth.Actor, l attachment.Limits) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	c := d.AttachmentLimits()
	f := problem.Fields{}
	if l.MaxFileBytes < 0 || l.MaxFileBytes > c.MaxFileBytes {
		f.Add("max_file_size", "over_server_limit", "must be at most the server's limit", "max", attachment.FormatSize(c.MaxFileBytes))
	}
	if l.MaxFiles < 0 || l.MaxFiles > c.MaxFiles {
		f.Add("max_files", "over_server_limit", "must be at most the server's limit", "max", strconv.Itoa(c.MaxFiles))
	}
	if l.MaxTotalBytes < 0 || l.MaxTotalBytes > c.MaxTotalBytes {
		f.Add("max_total_size", "over_server_limit", "must be at most the server's limit", "max", attachment.FormatSize(c.MaxTotalBytes))
	}
	if err := f.Err(); err != nil {
		return err
	}
	return d.store.SetAttachmentLimits(ctx, a.WorkspaceID, a.AgentID, l)
}

// Upload is one file a person attaches to a message. Size is what the
// edge read (a multipart part's size); the blob store checks it again.
type Upload struct {
	Filename     string
	DeclaredType string
	Size         int64
	Open         func() (io.ReadCloser, error)
}

var (
	errAttachmentsOff = problem.New(problem.Invalid, "attachments_disabled", "this server does not store attachments")
	errAttachmentHide = problem.NotFoundf("attachment")
)

func errFileTooLarge(name string, limit int64) *problem.Error {
	return problem.New(problem.TooLarge, "attachment_too_large", "a file is larger than the limit").
		With("filename", name).With("limit", attachment.FormatSize(limit))
}

func errTotalTooLarge(limit int64) *problem.Error {
	return problem.New(problem.TooLarge, "attachments_too_large", "the files together are larger than the limit per message").
		With("limit", attachment.FormatSize(limit))
}

// checkUploads refuses too many files, a file over the size limit or
// files over the total, by the workspace's limits, before anything is
// written; it returns the limits to store them under.
func (d *Service) checkUploads(ctx context.Context, wsID int64, f problem.Fields, files []Upload) (attachment.Limits, error) {
	if len(files) == 0 {
		return attachment.Limits{}, nil
	}
	if d.files == nil {
		return attachment.Limits{}, errAttachmentsOff
	}
	lim, err := d.WorkspaceAttachmentLimits(ctx, wsID)
	if err != nil {
		return lim, err
	}
	if len(files) > lim.MaxFiles {
		f.Add("files", "too_many", "too many files", "max", strconv.Itoa(lim.MaxFiles))
		return lim, nil
	}
	var total int64
	for _, u := range files {
		if u.Size > lim.MaxFileBytes {
			return lim, errFileTooLarge(attachment.CleanFilename(u.Filename), lim.MaxFileBytes)
		}
		total += u.Size
	}
	if total > lim.MaxTotalBytes {
		return lim, errTotalTooLarge(lim.MaxTotalBytes)
	}
	return lim, nil
}

// storeBlobs writes every upload's bytes to the blob store and returns
// the attachments to record. The sizes are checked again on the bytes
// themselves (an edge's size could be wrong).
func (d *Service) storeBlobs(ctx context.Context, lim attachment.Limits, files []Upload, inline bool) ([]attachment.Attachment, error) {
	out := make([]attachment.Attachment, 0, len(files))
	var total int64
	for _, u := range files {
		r, err := u.Open()
		if err != nil {
			return nil, fmt.Errorf("open upload: %w", err)
		}
		name := attachment.CleanFilename(u.Filename)
		b, err := d.files.blobs.Put(ctx, r, lim.MaxFileBytes)
		r.Close()
		if errors.Is(err, attachment.ErrTooLarge) {
			return nil, errFileTooLarge(name, lim.MaxFileBytes)
		}
		if err != nil {
			return nil, err
		}
		if total += b.Size; total > lim.MaxTotalBytes {
			return nil, errTotalTooLarge(lim.MaxTotalBytes)
		}
		out = append(out, attachment.Attachment{Filename: name, DeclaredType: clipRunes(u.DeclaredType, 200),
			ContentType: attachment.Sniff(b.Head, name), Size: b.Size, SHA256: b.SHA256, Inline: inline})
	}
	return out, nil
}

// attachHook records the attachments on the first event written, then
// runs next (the outbox) when there is one.
func (d *Service) attachHook(wsID int64, files []attachment.Attachment, next store.TxHook) store.TxHook {
	if len(files) == 0 {
		return next
	}
	return func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		if _, err := d.store.AddAttachments(ctx, tx, wsID, t.ID, events[0].ID, files); err != nil {
			return err
		}
		if next != nil {
			return next(ctx, tx, t, events)
		}
		return nil
	}
}

// ReplyWith is Reply with files attached.
func (d *Service) ReplyWith(ctx context.Context, a auth.Actor, id int64, body, status string, files []Upload) (ticket.Event, ticket.Ticket, error) {
	return d.messageWith(ctx, a, id, post{kind: ticket.AgentReply, body: body, status: status}, files)
}

// NoteWith is Note with files attached.
func (d *Service) NoteWith(ctx context.Context, a auth.Actor, id int64, body string, files []Upload) (ticket.Event, ticket.Ticket, error) {
	return d.messageWith(ctx, a, id, post{kind: ticket.InternalNote, body: body}, files)
}

// messageWith checks everything it can before writing a blob: the
// fields, the limits, and the right to post on the ticket (checked again
// on the locked row when the message is written).
func (d *Service) messageWith(ctx context.Context, a auth.Actor, id int64, p post, files []Upload) (ticket.Event, ticket.Ticket, error) {
	if len(files) == 0 {
		return d.message(ctx, a, id, p, nil)
	}
	if err := checkMessage(p.body, p.status); err != nil {
		return ticket.Event{}, ticket.Ticket{}, err
	}
	f := problem.Fields{}
	lim, err := d.checkUploads(ctx, a.WorkspaceID, f, files)
	if err != nil {
		return ticket.Event{}, ticket.Ticket{}, err
	}
	if err := f.Err(); err != nil {
		return ticket.Event{}, ticket.Ticket{}, err
	}
	t, err := d.Ticket(ctx, a, id)
	if err != nil {
		return ticket.Event{}, t, err
	}
	if err := checkPost(a, t, p.kind); err != nil {
		return ticket.Event{}, t, err
	}
	stored, err := d.storeBlobs(ctx, lim, files, false)
	if err != nil {
		return ticket.Event{}, t, err
	}
	return d.message(ctx, a, id, p, stored)
}

// checkPost is who may post a message of a kind on a ticket they see.
func checkPost(a auth.Actor, t ticket.Ticket, kind ticket.EventKind) error {
	allowed := ticket.CanWork(a, t)
	if kind == ticket.InternalNote {
		allowed = ticket.CanNote(a, t)
	}
	if !allowed {
		return errForbidden
	}
	if kind == ticket.AgentReply {
		return ticket.CheckNotMerged(t)
	}
	return nil
}

// Attachment returns an attachment the actor may download, or not found
// (another workspace's, or on a ticket they may not see). Internal notes'
// files are for agents only: customers, when they sign in, will not get
// them.
func (d *Service) Attachment(ctx context.Context, a auth.Actor, id int64) (attachment.Attachment, error) {
	at, err := d.store.Attachment(ctx, a.WorkspaceID, id)
	if err != nil {
		return at, err
	}
	if _, err := d.Ticket(ctx, a, at.TicketID); err != nil {
		if problem.Is(err, problem.NotFound) {
			return attachment.Attachment{}, errAttachmentHide
		}
		return attachment.Attachment{}, err
	}
	if a.AgentID == 0 {
		return attachment.Attachment{}, errAttachmentHide
	}
	return at, nil
}

// OpenAttachment returns an attachment the actor may download and its
// bytes.
func (d *Service) OpenAttachment(ctx context.Context, a auth.Actor, id int64) (attachment.Attachment, io.ReadSeekCloser, error) {
	at, err := d.Attachment(ctx, a, id)
	if err != nil {
		return at, nil, err
	}
	return d.openFile(ctx, at, errAttachmentsOff)
}

// openFile opens the bytes of an attachment its reader may see; off is
// the refusal to give when this server stores no attachments.
func (d *Service) openFile(ctx context.Context, at attachment.Attachment, off error) (attachment.Attachment, io.ReadSeekCloser, error) {
	if d.files == nil {
		return at, nil, off
	}
	r, err := d.files.blobs.Open(ctx, at.SHA256)
	if err != nil {
		return at, nil, fmt.Errorf("open attachment %d: %w", at.ID, err)
	}
	return at, r, nil
}

// TicketAttachments lists the attachments of a ticket the actor sees, by
// event id, for the timeline.
func (d *Service) TicketAttachments(ctx context.Context, a auth.Actor, ticketID int64) (map[int64][]attachment.Attachment, error) {
	if _, err := d.Ticket(ctx, a, ticketID); err != nil {
		return nil, err
	}
	list, err := d.store.TicketAttachments(ctx, a.WorkspaceID, ticketID, 1000)
	if err != nil {
		return nil, err
	}
	out := map[int64][]attachment.Attachment{}
	for _, at := range list {
		out[at.EventID] = append(out[at.EventID], at)
	}
	return out, nil
}

// SweepAttachments removes blobs that no attachment names (left by
// messages that were refused or rolled back after their files were
// written), when the blob store can (the disk and S3 stores can).
func (d *Service) SweepAttachments(ctx context.Context) (int, error) {
	if d.files == nil {
		return 0, nil
	}
	sw, ok := d.files.blobs.(attachment.Sweeper)
	if !ok {
		return 0, nil
	}
	return sw.Sweep(ctx, func(sha string) (bool, error) { return d.store.BlobReferenced(ctx, sha) })
}

// InboundFile is a file carried by an inbound message.
type InboundFile struct {
	Filename     string
	DeclaredType string
	Inline       bool
	Data         []byte
}

// DroppedFile is an email's file kept out of its message, and why
// ("too_large", "too_many", "total", see attachment.Limits.Refusals).
type DroppedFile struct {
	Filename string
	Size     int64
	Reason   string
	Limit    string // the limit it broke, for people
}

// inboundBlobs stores an email's files in the blob store. A message is
// never refused for its files: those over the workspace's limits are left
// out and returned, so the message can say which and why; none are kept
// when the server stores no attachments.
func (d *Service) inboundBlobs(ctx context.Context, wsID int64, in InboundEmail) ([]attachment.Attachment, []DroppedFile, error) {
	if len(in.Files) == 0 {
		return nil, nil, nil
	}
	if d.files == nil {
		d.log.Info("mail: attachments not stored (no blob store)", "workspace", wsID, "message_id", in.MessageID, "files", len(in.Files))
		return nil, nil, nil
	}
	lim, err := d.WorkspaceAttachmentLimits(ctx, wsID)
	if err != nil {
		return nil, nil, err
	}
	sizes := make([]int64, len(in.Files))
	for i, f := range in.Files {
		sizes[i] = int64(len(f.Data))
	}
	var out []attachment.Attachment
	var dropped []DroppedFile
	for i, reason := range lim.Refusals(sizes) {
		f := in.Files[i]
		if reason != "" {
			d.log.Info("mail: attachment over the limits left out", "workspace", wsID, "message_id", in.MessageID,
				"filename", f.Filename, "size", len(f.Data), "reason", reason)
			limit := attachment.FormatSize(lim.MaxFileBytes)
			switch reason {
			case "too_many":
				limit = strconv.Itoa(lim.MaxFiles)
			case "total":
				limit = attachment.FormatSize(lim.MaxTotalBytes)
			}
			dropped = append(dropped, DroppedFile{Filename: attachment.CleanFilename(f.Filename), Size: sizes[i], Reason: reason, Limit: limit})
			continue
		}
		up := Upload{Filename: f.Filename, DeclaredType: f.DeclaredType, Size: sizes[i],
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(f.Data)), nil }}
		stored, err := d.storeBlobs(ctx, lim, []Upload{up}, f.Inline)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, stored...)
	}
	return out, dropped, nil
}

// withDroppedNote adds to a message, in lang, a line per file left out:
// which file, its size, and the limit it broke. The message keeps within
// the longest body.
func withDroppedNote(body, lang string, dropped []DroppedFile) string {
	if len(dropped) == 0 {
		return body
	}
	var b strings.Builder
	for _, f := range dropped {
		b.WriteString("\n\n")
		b.WriteString(i18n.T(lang, "attachment.dropped."+f.Reason, "filename", f.Filename, "size", attachment.FormatSize(f.Size), "limit", f.Limit))
	}
	note := b.String()
	return clipRunes(body, max(0, ticket.MaxBody-utf8.RuneCountInString(note))) + note
}
