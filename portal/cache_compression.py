"""Compression of what goes into the shared cache (django-redis's COMPRESSOR).

Pages are compressed once, when rendered, on the request that renders them: zlib at level 1
does a 16 KB page in 0.055 ms instead of 0.16 at django-redis's default level 6, for a result
about a fifth bigger (5.0 KB instead of 4.2). Reading is as fast either way.
"""

from django_redis.compressors.zlib import ZlibCompressor


class FastZlibCompressor(ZlibCompressor):
    preset = 1
