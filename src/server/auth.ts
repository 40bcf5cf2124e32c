/**
 * Who may log in, over the ACL users (src/server/acl.ts). A new connection
 * is the default user, logged in at once when that user is enabled and has
 * no password (requirepass sets its password). AUTH, HELLO AUTH, CLIENT
 * KILL USER and RESET ask only these functions.
 */
import type { Client } from './client.js';
import type { Server } from './server.js';
import { inNestedCall } from '../commands/dispatch.js';

export { DEFAULT_USER } from './acl.js';

export function userExists(server: Server, username: string): boolean {
  return server.acl.users.has(username);
}

/** Whether the default user has a password, i.e. AUTH <password> makes sense. */
export function defaultUserHasPassword(server: Server): boolean {
  return !server.acl.defaultUser.nopass;
}

/** Whether connections that have not logged in must do so first (Redis's authRequired, the client part aside). */
function loginRequired(server: Server): boolean {
  const user = server.acl.defaultUser;
  return !user.nopass || !user.enabled;
}

/** Whether commands other than AUTH, HELLO and the like are refused to this client. */
export function mustAuthenticate(c: Client): boolean {
  return !c.authenticated && loginRequired(c.server);
}

/**
 * Logs the client in as username when the password is right (Redis's
 * ACLAuthenticateUser); a failure goes to the ACL log under the command
 * that tried (argv[0]: AUTH or HELLO, as typed).
 */
export function authenticate(c: Client, username: string, password: string, argv: string[]): boolean {
  const acl = c.server.acl;
  const user = acl.users.get(username);
  if (user?.acceptsPassword(password)) {
    c.user = user;
    c.authenticated = true;
    return true;
  }
  // Inside MULTI, AUTH is queued: it runs, and may fail, under EXEC.
  acl.addLogEntry(c, argv, 'auth', inNestedCall() ? 'multi' : 'toplevel', argv[0], username);
  return false;
}

/** The state of a new connection: the default user, logged in only if it needs no password. */
export function resetAuthentication(c: Client): void {
  c.user = c.server.acl.defaultUser;
  c.authenticated = !loginRequired(c.server);
}
