// Who may call what: the expected status of every operation in api/openapi.yaml for every
// kind of caller, against resources of each owner. matrix.test.mjs runs it on both backends
// and fails when an operation of the spec has no row here (or a row names no operation), so
// every endpoint added later must say who may call it.
//
// Callers (columns, in this order):
//   anon   no credentials
//   attA   attendee A              attB   attendee B
//   orgA   organizer A             orgB   organizer B
//   admin  an administrator (no events of their own)
//   doorA  a door token (API token limited to one event's check-in) for organizer A's event
//   doorX  a door token of organizer A for another of A's events
//   revok  organizer A's revoked API token
//   expir  attendee A's session cookie, expired (sent with Origin and X-Admit-CSRF)
//   disab  a live API token of a disabled account
// Owners: A = the resource of attendee/organizer A, B = of B; "-" where nothing is owned.
// Every role caller authenticates with an account API token; sessions are covered by the
// expired session here and by accounts.test.mjs.
//
// Decisions this table states:
// - Another owner's resource is 404, never 403 (API.md): an attendee editing an event, or
//   organizer B reading A's attendee list, learns nothing about it.
// - A role the route needs (organizer for events, admin for accounts) is 403.
// - A door token is 403 everywhere but the scan, the offline sync and the bundle of its own
//   event, and its undo when the organizer allows it (public pages too: it is a credential
//   for the door, not a browser).
// - A revoked token, an expired session and a disabled account's token are no caller at
//   all: 401 where a caller is needed, the public answer where none is.
// - Administrators may manage every organizer's event (edit, publish, cancel, attendee
//   lists, statistics, promo codes): support staff act for an organizer who asks
//   (docs/security.md, "Who may call what").
//   They cannot act as another user: /me is always the caller's own account.
// - Every operation the server routes is served: no row is 404 for everyone by absence.
// Statuses that are not about who calls: login answers 200 (a real account's password),
// verify 410 (a made-up link), reset-confirm 422 (a weak password, refused before any
// hashing, to keep the matrix fast); DELETE /api/v1/me is 409 for organizers with live
// events. Destructive rows come last (the test runs rows in this order).

export const CALLERS = ['anon', 'attA', 'attB', 'orgA', 'orgB', 'admin', 'doorA', 'doorX', 'revok', 'expir', 'disab'];

//                                                        anon attA attB orgA orgB admin doorA doorX revok expir disab
export const TABLE = {
  'GET /healthz':                                 { '-': '200  200  200  200  200  200   403   403   200   200   200' },
  'GET /readyz':                                  { '-': '200  200  200  200  200  200   403   403   200   200   200' },
  // /metrics on the public listener needs the metrics token (the harness configures one;
  // without one it answers 404: metrics_exposure.test.mjs): account tokens are not it.
  'GET /metrics':                                 { '-': '401  401  401  401  401  401   403   403   401   401   401' },

  'POST /api/v1/auth/signup':                     { '-': '202  202  202  202  202  202   403   403   202   202   202' },
  'POST /api/v1/auth/verify':                     { '-': '410  410  410  410  410  410   403   403   410   410   410' },
  'POST /api/v1/auth/verify/resend':              { '-': '202  202  202  202  202  202   403   403   202   202   202' },
  'POST /api/v1/auth/login':                      { '-': '200  200  200  200  200  200   403   403   200   200   200' },
  'POST /api/v1/auth/logout':                     { '-': '204  204  204  204  204  204   403   403   204   204   204' },
  'POST /api/v1/auth/password-reset':             { '-': '202  202  202  202  202  202   403   403   202   202   202' },
  'POST /api/v1/auth/password-reset/confirm':     { '-': '422  422  422  422  422  422   403   403   422   422   422' },

  // The web app's session probe: signed out is an answer ({user: null}), never a 401.
  'GET /api/v1/session':                          { '-': '200  200  200  200  200  200   403   403   200   200   200' },
  'GET /api/v1/me':                               { '-': '401  200  200  200  200  200   403   403   401   401   401' },
  'PATCH /api/v1/me':                             { '-': '401  200  200  200  200  200   403   403   401   401   401' },
  'GET /api/v1/me/sessions':                      { '-': '401  200  200  200  200  200   403   403   401   401   401' },
  'DELETE /api/v1/me/sessions/{id}': {
    A:                                                   '401  204  404  404  404  404   403   403   401   401   401',
    B:                                                   '401  404  204  404  404  404   403   403   401   401   401' },
  'GET /api/v1/me/tokens':                        { '-': '401  200  200  200  200  200   403   403   401   401   401' },
  'POST /api/v1/me/tokens':                       { '-': '401  201  201  201  201  201   403   403   401   401   401' },
  'DELETE /api/v1/me/tokens/{id}': {
    A:                                                   '401  204  404  404  404  404   403   403   401   401   401',
    B:                                                   '401  404  204  404  404  404   403   403   401   401   401' },
  'GET /api/v1/me/registrations':                 { '-': '401  200  200  200  200  200   403   403   401   401   401' },

  'GET /api/v1/categories':                       { '-': '200  200  200  200  200  200   403   403   200   200   200' },
  'GET /api/v1/events':                           { '-': '200  200  200  200  200  200   403   403   200   200   200' },
  'POST /api/v1/events':                          { '-': '401  403  403  201  201  201   403   403   401   401   401' },
  'GET /api/v1/events/{id}': {
    A:                                                   '200  200  200  200  200  200   403   403   200   200   200',
    B:                                                   '200  200  200  200  200  200   403   403   200   200   200' },
  'PATCH /api/v1/events/{id}': {
    A:                                                   '401  404  404  200  404  200   403   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },
  'POST /api/v1/events/{id}/publish': {
    A:                                                   '401  404  404  200  404  200   403   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },
  'POST /api/v1/events/{id}/cancel': {
    A:                                                   '401  404  404  200  404  200   403   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },
  'GET /api/v1/organizer/events':                 { '-': '401  403  403  200  200  200   403   403   401   401   401' },
  'GET /api/v1/events/{id}/stats': {
    A:                                                   '401  404  404  200  404  200   403   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },
  'GET /api/v1/events/{id}/promo-codes': {
    A:                                                   '401  404  404  200  404  200   403   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },
  'POST /api/v1/events/{id}/promo-codes': {
    A:                                                   '401  404  404  201  404  201   403   403   401   401   401',
    B:                                                   '401  404  404  404  201  201   403   403   401   401   401' },

  'POST /api/v1/events/{id}/registrations': {
    A:                                                   '401  201  201  201  201  201   403   403   401   401   401',
    B:                                                   '401  201  201  201  201  201   403   403   401   401   401' },
  'GET /api/v1/events/{id}/registrations': {
    A:                                                   '401  404  404  200  404  200   403   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },
  'GET /api/v1/registrations/{id}': {
    A:                                                   '401  200  404  200  404  200   403   403   401   401   401',
    B:                                                   '401  404  200  404  200  200   403   403   401   401   401' },
  'POST /api/v1/registrations/{id}/cancel': {
    A:                                                   '401  200  404  200  404  200   403   403   401   401   401',
    B:                                                   '401  404  200  404  200  200   403   403   401   401   401' },
  // Payments: the matrix's registrations are free, so an organizer's refund or mark-paid
  // and an owner's checkout meet a registration that is not waiting for or paid by Stripe
  // (409); no payment exists to read (404 for everyone who may ask). payments.test.mjs
  // covers the successful paths.
  'POST /api/v1/registrations/{id}/refund': {
    A:                                                   '401  404  404  409  404  409   403   403   401   401   401',
    B:                                                   '401  404  404  404  409  409   403   403   401   401   401' },
  'POST /api/v1/registrations/{id}/mark-paid': {
    A:                                                   '401  404  404  409  404  409   403   403   401   401   401',
    B:                                                   '401  404  404  404  409  409   403   403   401   401   401' },
  'GET /api/v1/registrations/{id}/checkout': {
    A:                                                   '401  409  404  404  404  409   403   403   401   401   401',
    B:                                                   '401  404  409  404  404  409   403   403   401   401   401' },
  'POST /api/v1/registrations/{id}/checkout': {
    A:                                                   '401  409  404  404  404  409   403   403   401   401   401',
    B:                                                   '401  404  409  404  404  409   403   403   401   401   401' },
  'GET /api/v1/registrations/{id}/payment': {
    A:                                                   '401  404  404  404  404  404   403   403   401   401   401',
    B:                                                   '401  404  404  404  404  404   403   403   401   401   401' },
  'POST /api/v1/events/{id}/waitlist': {
    A:                                                   '401  201  201  201  201  201   403   403   401   401   401',
    B:                                                   '401  201  201  201  201  201   403   403   401   401   401' },
  'GET /api/v1/events/{id}/waitlist': {
    A:                                                   '401  200  200  200  200  200   403   403   401   401   401',
    B:                                                   '401  200  200  200  200  200   403   403   401   401   401' },
  'DELETE /api/v1/events/{id}/waitlist': {
    A:                                                   '401  204  204  204  204  204   403   403   401   401   401',
    B:                                                   '401  204  204  204  204  204   403   403   401   401   401' },

  'GET /api/v1/tickets/{id}/pdf': {
    A:                                                   '401  303  404  303  404  303   403   403   401   401   401',
    B:                                                   '401  404  303  404  303  303   403   403   401   401   401' },
  'GET /api/v1/registrations/{id}/calendar.ics': {
    A:                                                   '401  200  404  200  404  200   403   403   401   401   401',
    B:                                                   '401  404  200  404  200  200   403   403   401   401   401' },
  // A download link attendee A got from the row above: it works for A alone. The route is
  // open at the dispatcher and its handler answers every refusal, no caller included, with
  // the same 403, so a refused link teaches nothing.
  'GET /api/v1/files/tickets/{file}':             { A: '403  200  403  403  403  403   403   403   403   403   403' },

  // Check-in: door tokens reach the scan, the sync and the bundle of their own event; undo
  // too where the organizer allows it (A's event has door_staff_can_undo on; with it off a
  // door token's undo is 403: door_staff.test.mjs). The scan list is the organizer's (and
  // administrators').
  'POST /api/v1/events/{id}/checkins': {
    A:                                                   '401  404  404  200  404  200   200   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },
  'GET /api/v1/events/{id}/checkins': {
    A:                                                   '401  404  404  200  404  200   403   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },
  'POST /api/v1/events/{id}/checkins/sync': {
    A:                                                   '401  404  404  200  404  200   200   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },
  'GET /api/v1/events/{id}/checkin-bundle': {
    A:                                                   '401  404  404  200  404  200   200   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },
  'POST /api/v1/events/{id}/checkins/{ticket}/undo': {
    A:                                                   '401  404  404  200  404  200   200   403   401   401   401',
    B:                                                   '401  404  404  404  200  200   403   403   401   401   401' },

  // Unsigned: 400 invalid_signature for whoever sends it; a door token is 403 everywhere.
  'POST /api/v1/payments/stripe/webhook':         { '-': '400  400  400  400  400  400   403   403   400   400   400' },

  'GET /api/v1/admin/users':                      { '-': '401  403  403  403  403  200   403   403   401   401   401' },
  'POST /api/v1/admin/users/{id}/disable':        { '-': '401  403  403  403  403  200   403   403   401   401   401' },
  'POST /api/v1/admin/users/{id}/enable':         { '-': '401  403  403  403  403  200   403   403   401   401   401' },

  // Destructive for the callers themselves: last.
  'DELETE /api/v1/me/sessions':                   { '-': '401  204  204  204  204  204   403   403   401   401   401' },
  'DELETE /api/v1/me':                            { '-': '401  204  204  409  409  204   403   403   401   401   401' },
};
