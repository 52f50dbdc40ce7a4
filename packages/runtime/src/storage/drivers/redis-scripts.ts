/**
 * Lua scripts of the Redis driver. Every check-then-write runs inside one script, so it is atomic
 * on the server and survives ioredis reconnects (a `WATCH` would silently be lost with its
 * connection). Key layout, for a key prefix `P` and a namespace `ns` (lengths avoid ambiguity):
 *
 * - `P n<len>:<ns>:r:<id>`        hash `{ rev, value, index }` (index = JSON of field → value)
 * - `P n<len>:<ns>:all`           sorted set of every id (score 0, ordered by ZRANGEBYLEX)
 * - `P n<len>:<ns>:i<len>:<field>:<value>`  sorted set of the ids with that index value
 * - `P namespaces`                sorted set of namespaces holding at least one record
 * - `P lock:<key>` (token, PX ttl) and `P fence:<key>` (counter that grows with every grant)
 * - `P writes:<key>`              hash fence → guarded writes committed under that grant
 * - `P ctr:<key>`                 fixed-window counter with PX ttl
 * @module
 */

/** Store time in ms from `TIME` (the server's clock, shared by every replica). */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Fencing check: the guard's token still holds the lock and no later grant happened. */
const GUARD = `
local function guard_ok(lockKey, fenceKey, token, fence)
  if token == '' then return true end
  if redis.call('GET', lockKey) ~= token then return false end
  return tonumber(redis.call('GET', fenceKey) or '0') == tonumber(fence)
end
local function idx_key(nsPrefix, field, value)
  return nsPrefix .. 'i' .. string.len(field) .. ':' .. field .. ':' .. value
end
`;

/**
 * KEYS: rec, all, namespaces, lock, fence, writes. ARGV: ns, nsPrefix, id, rev, value, indexJson,
 * expectRev, token, fence, counted ('1' adds the write to the grant's count in the same script).
 */
export const WRITE = `${GUARD}
if not guard_ok(KEYS[4], KEYS[5], ARGV[8], ARGV[9]) then return {0, 'fenced'} end
local cur = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if cur ~= tonumber(ARGV[7]) then return {0, 'conflict', cur} end
local old = redis.call('HGET', KEYS[1], 'index')
if old then
  for f, v in pairs(cjson.decode(old)) do redis.call('ZREM', idx_key(ARGV[2], f, v), ARGV[3]) end
end
for f, v in pairs(cjson.decode(ARGV[6])) do redis.call('ZADD', idx_key(ARGV[2], f, v), 0, ARGV[3]) end
redis.call('HSET', KEYS[1], 'rev', ARGV[4], 'value', ARGV[5], 'index', ARGV[6])
redis.call('ZADD', KEYS[2], 0, ARGV[3])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
if ARGV[8] ~= '' and ARGV[10] == '1' then redis.call('HINCRBY', KEYS[6], ARGV[9], 1) end
return {1}
`;

/** KEYS: rec, all, namespaces, lock, fence, writes. ARGV: ns, nsPrefix, id, expectRev ('' = any), token, fence. */
export const REMOVE = `${GUARD}
if not guard_ok(KEYS[4], KEYS[5], ARGV[5], ARGV[6]) then return {0, 'fenced'} end
local cur = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if ARGV[4] ~= '' and cur ~= tonumber(ARGV[4]) then return {0, 'conflict', cur} end
if cur == 0 then return {1, 0} end
local old = redis.call('HGET', KEYS[1], 'index')
if old then
  for f, v in pairs(cjson.decode(old)) do redis.call('ZREM', idx_key(ARGV[2], f, v), ARGV[3]) end
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[3])
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('ZREM', KEYS[3], ARGV[1]) end
if ARGV[5] ~= '' then redis.call('HINCRBY', KEYS[6], ARGV[6], 1) end
return {1, 1}
`;

/**
 * Page of ids through the first `where` field's set (or the namespace's set), filtered on the
 * other fields by each record's stored index. ARGV: nsPrefix, whereJson ('' = none), order,
 * after ('' = start), limit (-1 = count only). Returns [id, rev, value, …] or {count}.
 */
export const LIST = `${GUARD}
local nsPrefix, order, after, limit = ARGV[1], ARGV[3], ARGV[4], tonumber(ARGV[5])
local src = nsPrefix .. 'all'
local rest = {}
if ARGV[2] ~= '' then
  local where = cjson.decode(ARGV[2])
  local first = true
  for f, v in pairs(where) do
    if first then src = idx_key(nsPrefix, f, v); first = false else rest[f] = v end
  end
end
local hasRest = next(rest) ~= nil
if limit < 0 and not hasRest then return {redis.call('ZCARD', src)} end
local out, n, batch = {}, 0, 200
local cursor = after
while true do
  local ids
  if order == 'asc' then
    ids = redis.call('ZRANGEBYLEX', src, cursor == '' and '-' or '(' .. cursor, '+', 'LIMIT', 0, batch)
  else
    ids = redis.call('ZREVRANGEBYLEX', src, cursor == '' and '+' or '(' .. cursor, '-', 'LIMIT', 0, batch)
  end
  for _, id in ipairs(ids) do
    local rec = redis.call('HMGET', nsPrefix .. 'r:' .. id, 'rev', 'value', 'index')
    local ok = rec[1] ~= false
    if ok and hasRest then
      local idx = cjson.decode(rec[3])
      for f, v in pairs(rest) do if idx[f] ~= v then ok = false break end end
    end
    if ok then
      n = n + 1
      if limit >= 0 then
        out[#out + 1] = id; out[#out + 1] = rec[1]; out[#out + 1] = rec[2]
        if n >= limit then return out end
      end
    end
  end
  if #ids < batch then break end
  cursor = ids[#ids]
end
if limit < 0 then return {n} end
return out
`;

/** KEYS: lock, fence, writes. ARGV: token, ttlMs. Returns {fence, expiresAt} or {0}. */
export const ACQUIRE = `${NOW}
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
local fence = redis.call('INCR', KEYS[2])
redis.call('HDEL', KEYS[3], tostring(fence - 1000))
return {fence, now + tonumber(ARGV[2])}
`;

/** KEYS: lock. ARGV: token, ttlMs. Returns expiresAt or 0. */
export const EXTEND = `${NOW}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return now + tonumber(ARGV[2])
`;

/** KEYS: lock. ARGV: token. Returns 1 when released. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/** KEYS: fence, writes. ARGV: fence. Returns {currentFence, writes}. */
export const LEASE_WRITES = `
return {tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')}
`;

/** KEYS: counter. ARGV: windowMs. Returns {count, resetAt}. */
export const INCR = `${NOW}
local c = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if c == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {c, now + ttl}
`;

/** Returns the server time in ms. */
export const TIME = `${NOW}
return now
`;
