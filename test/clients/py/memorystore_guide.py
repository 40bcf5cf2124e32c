"""The usage of the Memorystore for Redis guide, run with redis-py against the
server at REDISHOST:REDISPORT (Keyhive in the tests that drive this script).

Run: REDISHOST=127.0.0.1 REDISPORT=6379 /usr/bin/python3 memorystore_guide.py
Each check is a unittest test; the last line is "OK" when all pass.
"""
import os
import pickle
import threading
import time
import unittest

import redis

HOST = os.environ.get("REDISHOST", "127.0.0.1")
PORT = int(os.environ.get("REDISPORT", "6379"))

CAS_THREADS = 8
CAS_INCREMENTS = 200


def connect():
    return redis.Redis(host=HOST, port=PORT)


class MemorystoreGuide(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = connect()
        cls.r.flushdb()

    def test_ping_and_echo(self):
        self.assertTrue(self.r.ping())
        self.assertEqual(self.r.echo("hello"), b"hello")

    def test_setnx(self):
        self.assertTrue(self.r.setnx("guide:setnx", "first"))
        self.assertFalse(self.r.setnx("guide:setnx", "second"))
        self.assertEqual(self.r.get("guide:setnx"), b"first")

    def test_msetnx(self):
        self.assertTrue(self.r.msetnx({"guide:m1": "a", "guide:m2": "b"}))
        self.assertFalse(self.r.msetnx({"guide:m2": "x", "guide:m3": "c"}))
        self.assertEqual(self.r.mget(["guide:m1", "guide:m2", "guide:m3"]), [b"a", b"b", None])

    def test_set_and_get(self):
        self.assertTrue(self.r.set("guide:key", "value"))
        self.assertEqual(self.r.get("guide:key"), b"value")
        self.assertIsNone(self.r.get("guide:missing"))
        self.assertIsNone(self.r.set("guide:key", "other", nx=True))
        self.assertTrue(self.r.set("guide:key", "other", xx=True))
        self.assertEqual(self.r.set("guide:key", "third", get=True), b"other")

    def test_mset_and_mget(self):
        self.assertTrue(self.r.mset({"guide:x": 1, "guide:y": "two", "guide:z": 3.5}))
        self.assertEqual(self.r.mget("guide:x", "guide:y", "guide:z", "guide:none"), [b"1", b"two", b"3.5", None])

    def test_counters(self):
        self.assertEqual(self.r.incr("guide:counter"), 1)
        self.assertEqual(self.r.incrby("guide:counter", 10), 11)
        self.assertEqual(self.r.decr("guide:counter"), 10)
        self.assertEqual(self.r.decrby("guide:counter", 4), 6)
        self.assertEqual(self.r.incrbyfloat("guide:counter", 0.5), 6.5)
        self.r.set("guide:text", "abc")
        with self.assertRaisesRegex(redis.ResponseError, "not an integer or out of range"):
            self.r.incr("guide:text")

    def test_del_and_unlink(self):
        self.r.mset({"guide:d1": 1, "guide:d2": 2, "guide:d3": 3})
        self.assertEqual(self.r.delete("guide:d1", "guide:d2", "guide:nope"), 2)
        self.assertEqual(self.r.unlink("guide:d3", "guide:nope"), 1)
        self.assertEqual(self.r.exists("guide:d1", "guide:d2", "guide:d3"), 0)

    def test_getset_getdel_getex(self):
        self.r.set("guide:g", "old")
        self.assertEqual(self.r.getset("guide:g", "new"), b"old")
        self.assertEqual(self.r.getex("guide:g", ex=100), b"new")
        self.assertGreater(self.r.ttl("guide:g"), 0)
        self.assertEqual(self.r.getex("guide:g", persist=True), b"new")
        self.assertEqual(self.r.ttl("guide:g"), -1)
        self.assertEqual(self.r.getdel("guide:g"), b"new")
        self.assertIsNone(self.r.get("guide:g"))

    def test_expirations(self):
        self.assertTrue(self.r.set("guide:ex", "v", ex=100))
        self.assertIn(self.r.ttl("guide:ex"), (99, 100))
        self.assertTrue(self.r.set("guide:px", "v", px=100000))
        self.assertTrue(99000 < self.r.pttl("guide:px") <= 100000)
        self.assertTrue(self.r.setex("guide:setex", 50, "v"))
        self.assertIn(self.r.ttl("guide:setex"), (49, 50))
        self.r.set("guide:plain", "v")
        self.assertEqual(self.r.ttl("guide:plain"), -1)
        self.assertEqual(self.r.ttl("guide:absent"), -2)
        self.assertTrue(self.r.expire("guide:plain", 30))
        self.assertTrue(self.r.persist("guide:plain"))
        self.assertEqual(self.r.ttl("guide:plain"), -1)
        self.assertTrue(self.r.set("guide:short", "v", px=50))
        time.sleep(0.3)
        self.assertIsNone(self.r.get("guide:short"))
        self.assertEqual(self.r.exists("guide:short"), 0)

    def test_pickled_values(self):
        value = {"name": "keyhive", "numbers": [1, 2, 3], "pair": ("a", 2.5), "raw": b"\x00\r\n\xff", "nested": {"ok": True}}
        self.assertTrue(self.r.set("guide:pickled", pickle.dumps(value)))
        self.assertEqual(pickle.loads(self.r.get("guide:pickled")), value)

    def test_binary_keys_and_values(self):
        key = b"guide:\x00\xff\r\n"
        value = bytes(range(256))
        self.assertTrue(self.r.set(key, value))
        self.assertEqual(self.r.get(key), value)
        self.assertEqual(self.r.strlen(key), 256)

    def test_watch_multi_exec_counter_from_threads(self):
        self.r.set("guide:cas", 0)
        retries = []
        errors = []

        def worker():
            client = connect()
            conflicts = 0
            try:
                for _ in range(CAS_INCREMENTS):
                    with client.pipeline() as pipe:
                        while True:
                            try:
                                pipe.watch("guide:cas")
                                current = int(pipe.get("guide:cas"))
                                pipe.multi()
                                pipe.set("guide:cas", current + 1)
                                pipe.execute()
                                break
                            except redis.WatchError:
                                conflicts += 1
            except Exception as e:  # surfaced by the assertion below
                errors.append(repr(e))
            retries.append(conflicts)
            client.close()

        threads = [threading.Thread(target=worker) for _ in range(CAS_THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(int(self.r.get("guide:cas")), CAS_THREADS * CAS_INCREMENTS)
        print("compare-and-set conflicts retried: %d" % sum(retries))

    def test_watch_failure_returns_watch_error(self):
        self.r.set("guide:w", 1)
        other = connect()
        with self.r.pipeline() as pipe:
            pipe.watch("guide:w")
            other.set("guide:w", 2)
            pipe.multi()
            pipe.set("guide:w", 3)
            with self.assertRaises(redis.WatchError):
                pipe.execute()
        self.assertEqual(self.r.get("guide:w"), b"2")
        other.close()

    def test_transaction_pipeline(self):
        with self.r.pipeline(transaction=True) as pipe:
            pipe.set("guide:t", 5).incr("guide:t").get("guide:t")
            self.assertEqual(pipe.execute(), [True, 6, b"6"])

    def test_info_parsing(self):
        info = self.r.info()
        self.assertTrue(str(info["redis_version"]).startswith("7."))
        self.assertEqual(info["tcp_port"], PORT)
        self.assertIsInstance(info["connected_clients"], int)
        self.assertIsInstance(info["used_memory"], int)
        server = self.r.info("server")
        self.assertIn("redis_mode", server)
        self.assertNotIn("used_memory", server)
        self.r.set("guide:info", 1)
        keyspace = self.r.info("keyspace")
        self.assertGreaterEqual(keyspace["db0"]["keys"], 1)
        self.assertIn("expires", keyspace["db0"])

    def test_config_get_and_set(self):
        self.assertEqual(self.r.config_get("maxmemory"), {"maxmemory": "0"})
        policies = self.r.config_get("maxmemory-*")
        self.assertIn("maxmemory-policy", policies)
        previous = policies["maxmemory-policy"]
        self.assertTrue(self.r.config_set("maxmemory-policy", "allkeys-lru"))
        self.assertEqual(self.r.config_get("maxmemory-policy"), {"maxmemory-policy": "allkeys-lru"})
        self.assertTrue(self.r.config_set("maxmemory-policy", previous))

    def test_dbsize_and_time(self):
        self.assertGreaterEqual(self.r.dbsize(), 1)
        seconds, micros = self.r.time()
        self.assertLess(abs(seconds - time.time()), 60)
        self.assertTrue(0 <= micros < 1000000)


if __name__ == "__main__":
    unittest.main(verbosity=2)
