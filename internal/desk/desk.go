// Package desk is the helpdesk's application service: every read and write
// an agent, the API or a channel makes goes through it. It checks who may do
// what (on the server, for every call), validates input, places new tickets,
// and calls the store. The web UI and the JSON API are thin layers over it,
// so both enforce exactly the same rules.
package desk

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/live"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/workspace"
)

// Service is the helpdesk application service.
type Service struct {
	store *store.Store
	log   *slog.Logger
	// engines caches compiled routing rules per workspace.
	engines engineCache
	// dirs caches each workspace's setup.
	dirs directoryCache
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration
	// outbound, when set, emails agents' public replies (channel.go).
	outbound *Outbound
	// files, when set, stores attachments (attachments.go).
	files *attachments
	// live carries "something changed" events to open screens (live.go).
	live *live.Hub
	// portal configures customer sign-in (portal.go).
	portal portalConfig
	// chatRun paces customers' chat lines (chat.go).
	chatRun chatRuntime
	// inbound holds the IMAP mailboxes' secret box and the per-sender
	// limit of inbound mail (mailbox.go).
	inbound inbound
	// relayTest sends admins' test messages (mailout.go).
	relayTest RelaySender
}

// New returns a service over a migrated store.
func New(s *store.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: s, log: log, SessionTTL: 12 * time.Hour, live: live.New(nil, log)}
}

// Store exposes the underlying store to the server's plumbing (health checks).
func (d *Service) Store() *store.Store { return d.store }

var (
	errForbidden = problem.New(problem.Forbidden, "forbidden", "you are not allowed to do this")
	errAdminOnly = problem.New(problem.Forbidden, "admin_only", "only an administrator can do this")
)

func requireAdmin(a auth.Actor) error {
	if !a.IsAdmin() {
		return errAdminOnly
	}
	return nil
}

func requireLead(a auth.Actor) error {
	if !a.IsLeadOrAdmin() {
		return errForbidden
	}
	return nil
}

// Directory is the workspace's setup as an agent needs it to read tickets:
// names of tiers, teams, request types, fields and members.
type Directory struct {
	Workspace    workspace.Workspace
	Tiers        []workspace.Tier
	Teams        []workspace.Team
	RequestTypes []workspace.RequestType
	CustomFields []workspace.CustomField
	Members      []workspace.Member
	version      int64 // the setup version it was loaded at
	// routing is the routing rules' version read with the setup version
	// (routingRead), so that placing a ticket costs one read of both.
	routing     int64
	routingRead bool
}

// Directory returns the actor's workspace setup. It is cached per workspace
// and reloaded when the setup version moves (any audited change, made on
// any instance), so most requests pay one index lookup instead of eight
// queries. The returned value is shared: callers must not modify it.
func (d *Service) Directory(ctx context.Context, a auth.Actor) (Directory, error) {
	return d.directory(ctx, a)
}

// DirectoryFor is the directory as the actor may see it, for the edges to
// show (the API's agent list, the UI's pickers and names): the whole
// workspace setup, except that a swarm collaborator sees only the people
// they meet. Rules and validation use Directory.
func (d *Service) DirectoryFor(ctx context.Context, a auth.Actor) (Directory, error) {
	dir, err := d.directory(ctx, a)
	if err != nil || !a.IsCollaborator() {
		return dir, err
	}
	return d.collaboratorDirectory(ctx, a, dir)
}

// collaboratorDirectory narrows the members a swarm collaborator sees (in
// the API's agent list and in every picker and name of the UI) to the
// people on the tickets they are invited to, and themselves: they come from
// outside support and need no one else's name or address.
func (d *Service) collaboratorDirectory(ctx context.Context, a auth.Actor, dir Directory) (Directory, error) {
	ids, err := d.store.Coworkers(ctx, a.WorkspaceID, a.AgentID)
	if err != nil {
		return Directory{}, err
	}
	ids = append(ids, a.AgentID)
	members := make([]workspace.Member, 0, len(ids))
	for _, m := range dir.Members {
		if slices.Contains(ids, m.ID) {
			members = append(members, m)
		}
	}
	dir.Members = members // a copy: the cached directory is shared
	return dir, nil
}

func (d *Service) directory(ctx context.Context, a auth.Actor) (Directory, error) {
	v, err := d.store.WorkspaceVersions(ctx, a.WorkspaceID)
	if err != nil {
		return Directory{}, err
	}
	return d.directoryAt(ctx, a.WorkspaceID, v)
}

// directoryAndCustomer is directory for a ticket arriving for a customer
// named by id (when not 0) or by email: the versions and the customer are
// read in one statement.
func (d *Service) directoryAndCustomer(ctx context.Context, wsID, id int64, email string) (Directory, customerLookup, error) {
	var lookup customerLookup
	var v store.Versions
	var err error
	if id != 0 {
		v, lookup.customer, lookup.found, err = d.store.VersionsAndCustomerByID(ctx, wsID, id)
	} else {
		v, lookup.customer, lookup.found, err = d.store.VersionsAndCustomer(ctx, wsID, email)
	}
	if err != nil {
		return Directory{}, customerLookup{}, err
	}
	dir, err := d.directoryAt(ctx, wsID, v)
	return dir, lookup, err
}

// directoryAt returns the workspace's setup at version v.Setup, from the
// cache or loaded, carrying v.Routing for the routing engine.
func (d *Service) directoryAt(ctx context.Context, wsID int64, v store.Versions) (Directory, error) {
	d.dirs.mu.Lock()
	c, ok := d.dirs.byWorkspace[wsID]
	d.dirs.mu.Unlock()
	if ok && c.version == v.Setup {
		dir := c.dir // a copy: the cached one is shared
		dir.routing, dir.routingRead = v.Routing, true
		return dir, nil
	}
	dir, err := d.loadDirectory(ctx, wsID)
	if err != nil {
		return dir, err
	}
	dir.version = v.Setup
	d.dirs.mu.Lock()
	if d.dirs.byWorkspace == nil {
		d.dirs.byWorkspace = map[int64]cachedDirectory{}
	}
	d.dirs.byWorkspace[wsID] = cachedDirectory{version: v.Setup, dir: dir}
	d.dirs.mu.Unlock()
	dir.routing, dir.routingRead = v.Routing, true
	return dir, nil
}

type directoryCache struct {
	mu          sync.Mutex
	byWorkspace map[int64]cachedDirectory
}

type cachedDirectory struct {
	version int64
	dir     Directory
}

func (d *Service) loadDirectory(ctx context.Context, wsID int64) (Directory, error) {
	var dir Directory
	var err error
	a := auth.Actor{WorkspaceID: wsID}
	if dir.Workspace, err = d.store.Workspace(ctx, a.WorkspaceID); err != nil {
		return dir, err
	}
	if dir.Tiers, err = d.store.Tiers(ctx, a.WorkspaceID); err != nil {
		return dir, err
	}
	if dir.Teams, err = d.store.Teams(ctx, a.WorkspaceID); err != nil {
		return dir, err
	}
	if dir.RequestTypes, err = d.store.RequestTypes(ctx, a.WorkspaceID); err != nil {
		return dir, err
	}
	if dir.CustomFields, err = d.store.CustomFields(ctx, a.WorkspaceID); err != nil {
		return dir, err
	}
	dir.Members, err = d.store.Members(ctx, a.WorkspaceID, 1000)
	return dir, err
}

// find returns the first element that matches, or the zero value.
func find[T any](list []T, match func(T) bool) T {
	for _, v := range list {
		if match(v) {
			return v
		}
	}
	var zero T
	return zero
}

// onlyVisible passes on what a read returned when may lets the actor see
// it, and reports anything else as not found (naming what), so that an id
// does not tell what exists. It reads: onlyVisible(a, may, what)(read()).
func onlyVisible[T any](a auth.Actor, may func(auth.Actor, T) bool, what string) func(T, error) (T, error) {
	return func(v T, err error) (T, error) {
		if err != nil {
			return v, err
		}
		if !may(a, v) {
			var zero T
			return zero, problem.NotFoundf(what)
		}
		return v, nil
	}
}

// Tier returns a tier by id, or the zero Tier.
func (dir Directory) Tier(id int64) workspace.Tier {
	return find(dir.Tiers, func(t workspace.Tier) bool { return t.ID == id })
}

// TierByCode returns a tier by its code (L1…), or the zero Tier.
func (dir Directory) TierByCode(code string) workspace.Tier {
	return find(dir.Tiers, func(t workspace.Tier) bool { return t.Code == code })
}

// Team returns a team by id, or the zero Team.
func (dir Directory) Team(id int64) workspace.Team {
	return find(dir.Teams, func(t workspace.Team) bool { return t.ID == id })
}

// Member returns a member by id, or the zero Member.
func (dir Directory) Member(id int64) workspace.Member {
	return find(dir.Members, func(m workspace.Member) bool { return m.ID == id })
}

// RequestType returns a request type by id, or the zero RequestType.
func (dir Directory) RequestType(id int64) workspace.RequestType {
	return find(dir.RequestTypes, func(r workspace.RequestType) bool { return r.ID == id })
}

// RequestTypeByKey returns a request type by key, or the zero RequestType.
func (dir Directory) RequestTypeByKey(key string) workspace.RequestType {
	return find(dir.RequestTypes, func(r workspace.RequestType) bool { return r.Key == key })
}

// CustomField returns a field definition by key.
func (dir Directory) CustomField(key string) (workspace.CustomField, bool) {
	for _, c := range dir.CustomFields {
		if c.Key == key {
			return c, true
		}
	}
	return workspace.CustomField{}, false
}
