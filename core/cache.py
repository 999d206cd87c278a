"""
Django's Redis cache, with one Redis client per connection pool instead of
one per cache call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for
every ``get``, ``set`` or ``delete``; redis-py's constructor copies its table
of about 170 response callbacks each time, which costs more than the round
trip to a local Redis (about 0.2 ms per call, measured with
bench/record_cache.py). A warm record page makes one or two cache calls, so
this was most of what it cost beyond the bare view (bench/README.md,
"Record page cache").

A ``redis.Redis`` holds no connection of its own: it borrows one from its
pool for each command, so one client per pool is safe to share between
threads, and the pool itself reconnects in a forked process (gunicorn's
workers). Behaviour is otherwise Django's own: same options, same
serializer, same keys.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with a client kept per pool."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
