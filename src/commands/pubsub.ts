/** Pub/Sub commands (pubsub.c): (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, (S)PUBLISH, PUBSUB. */
import type { Client } from '../server/client.js';
import { pushing, type SubscriptionKind } from '../server/pubsub.js';
import { replyHelp, subcommandSyntaxError } from './args.js';
import type { CommandSpec, KeySpec } from './table.js';

const REPLY_NAMES: Record<SubscriptionKind, [string, string]> = {
  channel: ['subscribe', 'unsubscribe'],
  pattern: ['psubscribe', 'punsubscribe'],
  shard: ['ssubscribe', 'sunsubscribe'],
};

/** One (un)subscribe confirmation: [kind, name or null, count], a push that gets through CLIENT REPLY OFF as in Redis. */
function confirm(c: Client, kind: SubscriptionKind, action: 0 | 1, name: string | null): void {
  pushing(c, () => {
    c.reply.pushHeader(3);
    c.reply.bulk(REPLY_NAMES[kind][action]);
    c.reply.bulkOrNull(name);
    c.reply.integer(c.subscriptions?.count(kind) ?? 0);
  });
}

function subscribeTo(kind: SubscriptionKind) {
  return (c: Client, argv: string[]): void => {
    for (let i = 1; i < argv.length; i++) {
      c.server.pubsub.subscribe(c, kind, argv[i]);
      confirm(c, kind, 0, argv[i]);
    }
  };
}

function unsubscribeFrom(kind: SubscriptionKind) {
  return (c: Client, argv: string[]): void => {
    const names = argv.length > 1 ? argv.slice(1) : [...(c.subscriptions?.of(kind) ?? [])];
    if (names.length === 0) {
      confirm(c, kind, 1, null);
      return;
    }
    for (const name of names) {
      c.server.pubsub.unsubscribe(c, kind, name);
      confirm(c, kind, 1, name);
    }
  };
}

function publish(c: Client, argv: string[]): void {
  c.reply.integer(c.server.pubsub.publish(argv[1], argv[2]));
}

function spublish(c: Client, argv: string[]): void {
  c.reply.integer(c.server.pubsub.publishShard(argv[1], argv[2]));
}

function channelsOf(kind: 'channel' | 'shard') {
  return (c: Client, argv: string[]): void => c.reply.bulkArray(c.server.pubsub.activeChannels(kind, argv[2] ?? null));
}

function numsubOf(kind: 'channel' | 'shard') {
  return (c: Client, argv: string[]): void => {
    c.reply.arrayHeader(2 * (argv.length - 2));
    for (let i = 2; i < argv.length; i++) {
      c.reply.bulk(argv[i]);
      c.reply.integer(c.server.pubsub.subscriberCount(kind, argv[i]));
    }
  };
}

function numpat(c: Client): void {
  c.reply.integer(c.server.pubsub.patternCount);
}

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

const SUBSCRIBE_FLAGS: CommandSpec['flags'] = ['pubsub', 'noscript', 'loading', 'stale'];
const INTROSPECTION_FLAGS: CommandSpec['flags'] = ['pubsub', 'loading', 'stale'];

/** Shard channels sit where keys would (for cluster slots) but are no keys: ACL key rules and COMMAND GETKEYS skip them. */
function shardChannelSpecs(lastkey: number): KeySpec[] {
  return [{ flags: ['not_key'], begin: { index: 1 }, find: { lastkey, keystep: 1, limit: 0 } }];
}

export const commands: CommandSpec[] = [
  {
    name: 'subscribe',
    arity: -2,
    flags: SUBSCRIBE_FLAGS,
    group: 'pubsub',
    summary: 'Listen for messages published to the given channels',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of channels to subscribe to.',
    run: subscribeTo('channel'),
  },
  {
    name: 'unsubscribe',
    arity: -1,
    flags: SUBSCRIBE_FLAGS,
    group: 'pubsub',
    summary: 'Stop listening for messages posted to the given channels',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
    run: unsubscribeFrom('channel'),
  },
  {
    name: 'psubscribe',
    arity: -2,
    flags: SUBSCRIBE_FLAGS,
    group: 'pubsub',
    summary: 'Listen for messages published to channels matching the given patterns',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
    run: subscribeTo('pattern'),
  },
  {
    name: 'punsubscribe',
    arity: -1,
    flags: SUBSCRIBE_FLAGS,
    group: 'pubsub',
    summary: 'Stop listening for messages posted to channels matching the given patterns',
    since: '2.0.0',
    complexity: 'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
    run: unsubscribeFrom('pattern'),
  },
  {
    name: 'ssubscribe',
    arity: -2,
    flags: SUBSCRIBE_FLAGS,
    keys: { first: 1, last: -1, step: 1 },
    keySpecs: shardChannelSpecs(-1),
    group: 'pubsub',
    summary: 'Listen for messages published to the given shard channels',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of shard channels to subscribe to.',
    run: subscribeTo('shard'),
  },
  {
    name: 'sunsubscribe',
    arity: -1,
    flags: SUBSCRIBE_FLAGS,
    keys: { first: 1, last: -1, step: 1 },
    keySpecs: shardChannelSpecs(-1),
    group: 'pubsub',
    summary: 'Stop listening for messages posted to the given shard channels',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
    run: unsubscribeFrom('shard'),
  },
  {
    name: 'publish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    group: 'pubsub',
    summary: 'Post a message to a channel',
    since: '2.0.0',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    run: publish,
  },
  {
    name: 'spublish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: shardChannelSpecs(0),
    group: 'pubsub',
    summary: 'Post a message to a shard channel',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    run: spublish,
  },
  {
    name: 'pubsub',
    arity: -2,
    flags: [],
    group: 'pubsub',
    summary: 'A container for Pub/Sub commands',
    since: '2.8.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'channels',
        arity: -2,
        flags: INTROSPECTION_FLAGS,
        group: 'pubsub',
        summary: 'List active channels',
        since: '2.8.0',
        complexity: 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        run: (c, argv) => (argv.length > 3 ? subcommandSyntaxError('pubsub', argv[1]) : channelsOf('channel')(c, argv)),
      },
      {
        name: 'numsub',
        arity: -2,
        flags: INTROSPECTION_FLAGS,
        group: 'pubsub',
        summary: 'Get the count of subscribers for channels',
        since: '2.8.0',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        run: numsubOf('channel'),
      },
      {
        name: 'numpat',
        arity: 2,
        flags: INTROSPECTION_FLAGS,
        group: 'pubsub',
        summary: 'Get the count of unique patterns pattern subscriptions',
        since: '2.8.0',
        complexity: 'O(1)',
        run: numpat,
      },
      {
        name: 'shardchannels',
        arity: -2,
        flags: INTROSPECTION_FLAGS,
        group: 'pubsub',
        summary: 'List active shard channels',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        run: (c, argv) => (argv.length > 3 ? subcommandSyntaxError('pubsub', argv[1]) : channelsOf('shard')(c, argv)),
      },
      {
        name: 'shardnumsub',
        arity: -2,
        flags: INTROSPECTION_FLAGS,
        group: 'pubsub',
        summary: 'Get the count of subscribers for shard channels',
        since: '7.0.0',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        run: numsubOf('shard'),
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'pubsub',
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        complexity: 'O(1)',
        run: (c) => replyHelp(c, 'pubsub', PUBSUB_HELP),
      },
    ],
  },
];
