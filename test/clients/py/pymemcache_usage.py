"""pymemcache (Debian's python3-pymemcache) against Keyhive's memcached port
(MEMCACHEDPORT), beside redis-py on its Redis port (REDISPORT): the calls an
App Engine Memcache user's code makes, and the same keys read from Redis.

Run: MEMCACHEDPORT=11211 REDISPORT=6379 /usr/bin/python3 pymemcache_usage.py
Each check is a unittest test; the last line is "OK" when all pass.
"""
import os
import unittest

import redis
from pymemcache.client.base import Client
from pymemcache import serde

HOST = os.environ.get("MEMCACHEDHOST", "127.0.0.1")
PORT = int(os.environ.get("MEMCACHEDPORT", "11211"))
REDIS_PORT = int(os.environ.get("REDISPORT", "6379"))


class PymemcacheUsage(unittest.TestCase):
    def setUp(self):
        self.mc = Client((HOST, PORT), serde=serde.pickle_serde)
        self.mc.flush_all()
        self.redis = redis.Redis(host=HOST, port=REDIS_PORT)

    def tearDown(self):
        self.mc.close()
        self.redis.close()

    def test_set_get_delete(self):
        self.assertTrue(self.mc.set("greeting", b"hello"))
        self.assertEqual(self.mc.get("greeting"), b"hello")
        self.assertTrue(self.mc.delete("greeting"))
        self.assertIsNone(self.mc.get("greeting"))
        self.assertEqual(self.mc.get("greeting", default="absent"), "absent")

    def test_values_the_serde_flags_mark(self):
        # pickle_serde marks str, int and pickled values with flags; they must come back as they went.
        self.mc.set("text", "héllo")
        self.mc.set("number", 42)
        self.mc.set("record", {"user": "ann", "visits": [1, 2, 3]})
        self.assertEqual(self.mc.get("text"), "héllo")
        self.assertEqual(self.mc.get("number"), 42)
        self.assertEqual(self.mc.get("record"), {"user": "ann", "visits": [1, 2, 3]})

    def test_many(self):
        self.assertEqual(self.mc.set_many({"k1": b"a", "k2": b"b", "k3": b"c"}), [])
        self.assertEqual(self.mc.get_many(["k1", "k2", "missing", "k3"]), {"k1": b"a", "k2": b"b", "k3": b"c"})
        self.assertTrue(self.mc.delete_many(["k1", "k2"]))
        self.assertEqual(self.mc.get_many(["k1", "k2", "k3"]), {"k3": b"c"})

    def test_add_replace_append_prepend(self):
        self.assertTrue(self.mc.add("once", b"first", noreply=False))
        self.assertFalse(self.mc.add("once", b"second", noreply=False))
        self.assertFalse(self.mc.replace("nowhere", b"x", noreply=False))
        self.assertTrue(self.mc.replace("once", b"mid", noreply=False))
        self.assertTrue(self.mc.append("once", b"-end", noreply=False))
        self.assertTrue(self.mc.prepend("once", b"start-", noreply=False))
        self.assertEqual(self.mc.get("once"), b"start-mid-end")

    def test_incr_decr(self):
        self.mc.set("hits", b"10")
        self.assertEqual(self.mc.incr("hits", 5), 15)
        self.assertEqual(self.mc.decr("hits", 20), 0)
        self.assertIsNone(self.mc.incr("no-counter", 1))

    def test_gets_and_cas(self):
        self.mc.set("doc", b"v1")
        value, token = self.mc.gets("doc")
        self.assertEqual(value, b"v1")
        self.assertTrue(self.mc.cas("doc", b"v2", token))
        # The token is spent: the item changed since it was read.
        self.assertFalse(self.mc.cas("doc", b"v3", token))
        self.assertIsNone(self.mc.cas("gone", b"v", b"1"))
        self.assertEqual(self.mc.get("doc"), b"v2")

    def test_touch_and_expiry(self):
        self.mc.set("session", b"s", expire=100)
        self.assertTrue(self.mc.touch("session", expire=1000, noreply=False))
        self.assertFalse(self.mc.touch("nothing", expire=10, noreply=False))
        self.assertGreater(self.redis.ttl("session"), 900)

    def test_keys_shared_with_redis(self):
        self.mc.set("from-memcached", b"value")
        self.assertEqual(self.redis.get("from-memcached"), b"value")
        self.redis.set("from-redis", b"other")
        self.assertEqual(self.mc.get("from-redis"), b"other")
        self.redis.set("count", 7)
        self.assertEqual(self.mc.incr("count", 1), 8)
        self.assertEqual(self.redis.incr("count"), 9)

    def test_version_and_stats(self):
        self.assertTrue(self.mc.version().startswith(b"1.6"))
        stats = self.mc.stats()
        self.assertIn(b"curr_connections", stats)
        self.assertIn(b"get_hits", stats)


if __name__ == "__main__":
    unittest.main(verbosity=2)
