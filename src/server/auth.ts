/**
 * Who may log in. Until ACL users arrive there is one user, "default", whose
 * password is requirepass; with no requirepass it is Redis's "nopass" user and
 * any password is accepted. AUTH, HELLO AUTH, CLIENT KILL USER and RESET ask
 * only these functions, so ACL users can replace their inside without
 * touching the commands.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Client } from './client.js';
import type { Server } from './server.js';

export const DEFAULT_USER = 'default';

export function userExists(_server: Server, username: string): boolean {
  return username === DEFAULT_USER;
}

/** Whether the default user has a password, i.e. new connections must authenticate. */
export function defaultUserHasPassword(server: Server): boolean {
  return server.authRequired();
}

/** Compares digests, so the time taken tells nothing about the password or its length. */
function passwordMatches(expected: string, given: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'latin1').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

function credentialsValid(server: Server, username: string, password: string): boolean {
  if (!userExists(server, username)) return false;
  const required = server.config.get('requirepass');
  return required === '' || passwordMatches(required, password);
}

/** Logs the client in as username when the password is right (Redis's ACLAuthenticateUser). */
export function authenticate(c: Client, username: string, password: string): boolean {
  if (!credentialsValid(c.server, username, password)) return false;
  c.user = username;
  c.authenticated = true;
  return true;
}

/** The state of a new connection: the default user, logged in only if it has no password. */
export function resetAuthentication(c: Client): void {
  c.user = DEFAULT_USER;
  c.authenticated = !defaultUserHasPassword(c.server);
}
