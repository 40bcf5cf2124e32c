/**
 * Protected mode, as Redis 7.0's clientAcceptHandler decides it: while
 * protected-mode is yes and the default user has no password, a connection
 * from anywhere but the loopback interface gets one explanation and is
 * closed. Since 7.0 the bind addresses play no part (Redis 6 also required
 * that no bind address was configured).
 */
import type { Server } from './server.js';
import { defaultUserHasPassword } from './auth.js';

export const PROTECTED_MODE_DENIED =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. ' +
  'In this mode connections are only accepted from the loopback interface. ' +
  'If you want to connect from external computers to Redis you may adopt one of the following solutions: ' +
  "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface " +
  'by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible ' +
  'from internet if you do so. Use CONFIG REWRITE to make this change permanent. ' +
  '2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the ' +
  "protected mode option to 'no', and then restarting the server. " +
  "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
  '4) Setup a an authentication password for the default user. ' +
  'NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n';

/**
 * Redis's islocalClient: exactly 127.0.0.1 or ::1 (other 127.x.y.z addresses
 * are not), or no IP address at all (a unix socket). An IPv4-mapped
 * 127.0.0.1 is what Redis's IPv4 socket would have seen as 127.0.0.1.
 */
export function isLocalAddress(ip: string | undefined): boolean {
  return ip === undefined || ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

/** Whether a connection from remoteAddress must be turned away. */
export function protectedModeRefuses(server: Server, remoteAddress: string | undefined): boolean {
  return server.config.getBool('protected-mode') && !defaultUserHasPassword(server) && !isLocalAddress(remoteAddress);
}
