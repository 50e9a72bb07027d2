/**
 * The line's state in Redis, and every change to it as ONE Lua script (atomic on Redis and on
 * the embedded mode's emulation, server/gateway/gateway-emulated*.ts). Keys (all under the
 * deployment's REDIS_KEY_PREFIX, see waiting-room.keys.ts):
 *
 *   wr:seq         INCR counter: first-seen sequence (the line's order)
 *   wr:line        ZSET ticket id → seq (waiting places only)
 *   wr:polls       ZSET ticket id → last poll, ms (waiting places only; idle expiry)
 *   wr:admitted    ZSET ticket id → admission, ms (admitted, not used yet; admission expiry)
 *   wr:t:{id}      HASH one place: sb (session binding), seq, fs (first seen ms), pids ("12,40"),
 *                  lines ("12:1,40:3": product id:quantity, what the admission covers), pae
 *                  (position at entry), state (waiting|admitted|used|sold_out|left|expired),
 *                  pollAfterAt, admittedAt, admissionSeq, usedKey, usedAt; PEXPIRE
 *                  TICKET_RECORD_TTL_MS, refreshed on every change and poll
 *   wr:s:{sb}      STRING the session's live place (a refresh or new tab gets it back)
 *   wr:bucket      HASH tokens, at (ms): the fleet-wide token bucket at the admission rate
 *   wr:admissions  INCR counter: admission sequence (the serving watermark)
 *   wr:fig:ended   ZSET "{id}:{admitted|expired|left|sold_out}" → ms (capped; /ops figures; one
 *                  member per place: an admitted place that ends unused replaces its 'admitted')
 *   wr:c:{client}  ZSET ticket id → ms: the live places (waiting or admitted) entered from one
 *                  client address (its rate-limit key), for MAX_PLACES_PER_CLIENT
 *   wr:fig:waits   ZSET "{id}:{wait ms}" → ms of admission (capped; /ops figures)
 *
 * The clock is Redis's TIME (one clock for every instance). Per-place keys and sold-out gates
 * are built inside the scripts from prefixes passed in ARGV (their names come from the line
 * itself): fine on a single Redis and on Upstash, not on Redis Cluster.
 *
 * "advance" runs inside every enter and every non-early poll: places not polled for
 * TICKET_IDLE_EXPIRY_MS, and admissions not used within ADMISSION_VALID_MS, expire (bounded
 * batches, counted as abandoned: an abandoned place never stalls the line), the bucket refills
 * (burst: one second's worth, at least 1), and waiting places are admitted strictly in seq order
 * while a token is left. With the room switched off (`unlimited`, from POLL and CONSUME) the
 * bucket is not asked: the whole line is admitted at once, up to ADMIT_BATCH, so shoppers already
 * in line never wait behind newcomers who check out straight away.
 *
 * An admission covers the lines it was queued with ("pid:qty"): the admitted call may buy fewer
 * of them, or fewer units, never more (`covers`). An admitted checkout that places no order gives
 * the admission back (RETURN: the place is `admitted` again, same admittedAt).
 *
 * Lua rules followed for the emulation (fengari, Lua 5.3 with 32-bit integers) and Redis (Lua
 * 5.1): single-value replies go through `val` (nil, false or the emulation's null), every reply
 * table is built in one constructor (the emulation drops what a table gets by assignment), epoch
 * milliseconds are floats (`* 1000.0`) written into strings with `%.0f`, numbers in replies are
 * whole (Redis truncates), and nothing uses cjson.
 *
 * Every reply has the same header: kind, admitted waits (csv of ms), places expired by this
 * call, line length, pids, seq, fs, position, positionAtEntry, pollAfterMs, early (0/1),
 * admittedAt, admissionSeq, id, usedKey — then the closed gates of the place's items, as id, name pairs.
 */

/** KEYS of every script, in this order. */
export const SCRIPT_KEYS = ['line', 'polls', 'seq', 'bucket', 'admissions', 'figEnded', 'figWaits', 'admitted'] as const
/** ARGV shared by every script (1-14), in this order; script-specific ARGV start at 15. */
export const SCRIPT_ARGS = [
  'ticketPrefix',
  'sessionPrefix',
  'ratePerSecond',
  'burst',
  'idleExpiryMs',
  'recordTtlMs',
  'figuresWindowMs',
  'figuresMaxEntries',
  'expireBatch',
  'admitBatch',
  'gatePrefix',
  'minPollMs',
  'maxPollMs',
  'admissionValidMs',
] as const

const COMMON = String.raw`
local unpack = unpack or table.unpack
local LINE, POLLS, SEQ, BUCKET, ADMISSIONS, ENDED, WAITS, ADMITTED = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local TP, SP = ARGV[1], ARGV[2]
local RATE, BURST = tonumber(ARGV[3]), tonumber(ARGV[4])
local IDLE, RECORD_TTL = tonumber(ARGV[5]), tonumber(ARGV[6])
local WINDOW, FIG_MAX = tonumber(ARGV[7]), tonumber(ARGV[8])
local EXPIRE_BATCH, ADMIT_BATCH = tonumber(ARGV[9]), tonumber(ARGV[10])
local GATE = ARGV[11]
local MIN_POLL, MAX_POLL, ADMIT_VALID = tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14])

local function val(x)
  if x == nil or x == false then return nil end
  if type(x) == 'userdata' and tostring(x) == 'null' then return nil end
  return x
end
local clock = redis.call('TIME')
-- A float on purpose: the emulation's integers are 32-bit (gateway-emulated-lua.ts).
local NOW = tonumber(clock[1]) * 1000.0 + math.floor(tonumber(clock[2]) / 1000)
local function whole(n) return string.format('%.0f', n) end
local waits, expired = {}, 0

local function figure(key, member)
  redis.call('ZADD', key, NOW, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', NOW - WINDOW)
  redis.call('ZREMRANGEBYRANK', key, 0, -(FIG_MAX + 1))
end

local function unpoint(id, sb)
  if not sb then return end
  if val(redis.call('GET', SP .. sb)) == id then redis.call('DEL', SP .. sb) end
end

-- The place leaves the line for good (expired, left, sold out): state, pointer, figures. An
-- admitted place that ends unused (expired, left, sold out) was counted as 'admitted' when the
-- line admitted it: that entry is replaced, so every place counts once among the ended ones.
local function release(id, state)
  redis.call('ZREM', LINE, id)
  redis.call('ZREM', POLLS, id)
  redis.call('ZREM', ADMITTED, id)
  local tk = TP .. id
  local sb = val(redis.call('HGET', tk, 'sb'))
  if sb then
    redis.call('HSET', tk, 'state', state, 'endedAt', NOW)
    redis.call('PEXPIRE', tk, RECORD_TTL)
  end
  unpoint(id, sb)
  redis.call('ZREM', ENDED, id .. ':admitted')
  figure(ENDED, id .. ':' .. state)
end

local function refill()
  local b = redis.call('HMGET', BUCKET, 'tokens', 'at')
  local tokens = tonumber(val(b[1]) or BURST)
  local at = tonumber(val(b[2]) or NOW)
  if NOW > at then
    tokens = tokens + (NOW - at) * RATE / 1000
    at = NOW
  end
  if tokens > BURST then tokens = BURST end
  return tokens, at
end

local function advance(unlimited)
  local stale = redis.call('ZRANGEBYSCORE', POLLS, '-inf', NOW - IDLE, 'LIMIT', 0, EXPIRE_BATCH)
  for i = 1, #stale do
    release(stale[i], 'expired')
    expired = expired + 1
  end
  local unused = redis.call('ZRANGEBYSCORE', ADMITTED, '-inf', NOW - ADMIT_VALID, 'LIMIT', 0, EXPIRE_BATCH)
  for i = 1, #unused do
    release(unused[i], 'expired')
    expired = expired + 1
  end
  local tokens, at = refill()
  local n = 0
  while (unlimited or tokens >= 1) and n < ADMIT_BATCH do
    local head = redis.call('ZRANGE', LINE, 0, 0)
    local id = val(head[1])
    if not id then break end
    redis.call('ZREM', LINE, id)
    redis.call('ZREM', POLLS, id)
    local tk = TP .. id
    local fs = tonumber(val(redis.call('HGET', tk, 'fs')))
    if fs then
      local aseq = redis.call('INCR', ADMISSIONS)
      redis.call('HSET', tk, 'state', 'admitted', 'admittedAt', NOW, 'admissionSeq', aseq)
      redis.call('PEXPIRE', tk, RECORD_TTL)
      redis.call('ZADD', ADMITTED, NOW, id)
      local wait = math.max(0, NOW - fs)
      waits[#waits + 1] = wait
      figure(ENDED, id .. ':admitted')
      figure(WAITS, id .. ':' .. whole(wait))
      if not unlimited then tokens = tokens - 1 end
    end
    n = n + 1
  end
  redis.call('HSET', BUCKET, 'tokens', tokens, 'at', at)
  return tokens, at
end

local function closedGates(pids)
  local out = {}
  for pid in string.gmatch(pids, '%d+') do
    local name = val(redis.call('GET', GATE .. pid))
    if name then
      out[#out + 1] = pid
      out[#out + 1] = name
    end
  end
  return out
end

-- Whether the place's lines ("pid:qty,...") cover every "pid:qty" the call wants: each product
-- among them, at no more than its queued quantity. A place stored before quantities were kept
-- (lines as JSON, no "pid:qty" pair) covers its pids at any quantity.
local function covers(lines, pids, want)
  local allowed, any = {}, false
  for p, q in string.gmatch(lines or '', '(%d+):(%d+)') do
    allowed[p] = tonumber(q)
    any = true
  end
  if not any then
    for p in string.gmatch(pids or '', '%d+') do allowed[p] = 1000000000 end
  end
  for p, q in string.gmatch(want, '(%d+):(%d+)') do
    local a = allowed[p]
    if not a or a < tonumber(q) then return false end
  end
  return true
end

-- The admitted place is used by the checkout call with idempotency key ikey.
local function use(id, sb, ikey)
  local tk = TP .. id
  redis.call('HSET', tk, 'state', 'used', 'usedKey', ikey, 'usedAt', NOW)
  redis.call('PEXPIRE', tk, RECORD_TTL)
  redis.call('ZREM', ADMITTED, id)
  unpoint(id, sb)
end

local function countPids(pids)
  local n = 0
  for _ in string.gmatch(pids, '%d+') do n = n + 1 end
  return n
end

-- Where the place stands: position (1 = next; an admitted place is 1), position at entry, line length.
local function place(id)
  local r = val(redis.call('ZRANK', LINE, id))
  local len = redis.call('ZCARD', LINE)
  local pos = 1
  if r then pos = tonumber(r) + 1 end
  if len < pos then len = pos end
  local pae = tonumber(val(redis.call('HGET', TP .. id, 'pae')) or pos)
  if pae < pos then pae = pos end
  return pos, pae, len
end

-- About a quarter of the estimated wait (position / rate), within [MIN_POLL, MAX_POLL] ms.
local function pollAfter(pos)
  local ms = math.ceil(pos / RATE) * 1000 / 4
  if ms < MIN_POLL then ms = MIN_POLL end
  if ms > MAX_POLL then ms = MAX_POLL end
  return math.floor(ms)
end

local function reply(kind, r, closed)
  return {kind, table.concat(waits, ','), expired, redis.call('ZCARD', LINE), r.pids or '', r.seq or 0, r.fs or 0,
    r.pos or 0, r.pae or 0, r.pa or 0, r.early or 0, r.aat or 0, r.aseq or 0, r.id or '', r.ukey or '', unpack(closed or {})}
end

-- The reply for a waiting or admitted place; a waiting one gets its next pollAfterAt.
local function placeReply(kind, id, closed, early)
  local tk = TP .. id
  local h = redis.call('HMGET', tk, 'pids', 'seq', 'fs', 'state', 'admittedAt', 'admissionSeq', 'pollAfterAt')
  local pos, pae, len = place(id)
  local r = { id = id, pids = val(h[1]) or '', seq = tonumber(val(h[2]) or 0), fs = tonumber(val(h[3]) or 0), pos = pos, pae = pae }
  if val(h[4]) == 'admitted' then
    r.aat = tonumber(val(h[5]) or 0)
    r.aseq = tonumber(val(h[6]) or 0)
    return reply('admitted', r, closed)
  end
  if early then
    local left = tonumber(val(h[7]) or NOW) - NOW
    if left < MIN_POLL then left = MIN_POLL end
    r.pa = math.floor(left)
    r.early = 1
  else
    r.pa = pollAfter(pos)
    redis.call('HSET', tk, 'pollAfterAt', NOW + r.pa)
  end
  return reply(kind, r, closed)
end
`

/**
 * enter: checkout without a ticket, mode on or auto. ARGV 15-25: session binding, new ticket id,
 * pids, lines ("pid:qty,..."), mode, saturated (1/0), idempotency key, the key's idempotency
 * record (server/checkout/idempotency.store.ts), refused (1/0: checkout's cheap checks refuse
 * this order; '?': not run yet), the client's places key (`wr:c:{client}`, '' for no client), the most places one
 * client may hold. Kinds:
 *  - `seen`: the store already has a record for this session's key (a double submit, a retry of a
 *    placed or refused order): check out now, no token, no place — the normal path replays it;
 *  - `gated`: a line's sold-out gate is closed (the normal path refuses cheaply);
 *  - `refused`: checkout would refuse this order anyway (unknown product, changed total…): the
 *    caller throws checkout's error; no token, no place, nothing changed;
 *  - `check` (refused '?'): this call would wait (join, or keep its waiting place for this cart):
 *    run checkout's cheap checks and call again with refused 1/0; nothing changed. A call that
 *    goes on now (a token, its admitted place) never pays for the checks: checkout makes them;
 *  - `client_full`: a new place is needed and this client address already holds the most live
 *    places it may (MAX_PLACES_PER_CLIENT): nothing joined;
 *  - `consumed`: the session's live place is admitted and covers these lines: it is used now for
 *    this key (a resubmit without the ticket keeps the turn the shopper earned); check out now;
 *  - `go`: a token was taken: check out now;
 *  - `joined`: a new place; `queued`: the session's live place, still waiting (now for this cart).
 * An admitted place whose lines do not cover this cart is given up ('left') and the cart joins
 * the line as a new place: an admission never grows to buy more than it was queued for.
 */
export const ENTER_LUA = COMMON + String.raw`
local sb, newId, pids, lines, mode, saturated = ARGV[15], ARGV[16], ARGV[17], ARGV[18], ARGV[19], ARGV[20]
local ikey, idemRecord = ARGV[21], ARGV[22]
local refused, unchecked, CK, MAX_PLACES = ARGV[23] == '1', ARGV[23] == '?', ARGV[24], tonumber(ARGV[25])
if redis.call('EXISTS', idemRecord) == 1 then return reply('seen', {}, {}) end
if #closedGates(pids) > 0 then return reply('gated', {}, {}) end
if refused then return reply('refused', {}, {}) end
local tokens, at = advance(false)
-- Whether a call without a place of its own waits (joins below). Releasing an admitted place
-- (below) never touches the line, so its length holds for the whole script.
local len = redis.call('ZCARD', LINE)
local wouldWait = mode == 'on' or len > 0 or tokens < 1 or saturated == '1'
local cur = val(redis.call('GET', SP .. sb))
if cur then
  local h = redis.call('HMGET', TP .. cur, 'state', 'lines', 'pids', 'admittedAt')
  local st = val(h[1])
  if st == 'admitted' then
    if NOW - tonumber(val(h[4]) or 0) > ADMIT_VALID then
      release(cur, 'expired')
      expired = expired + 1
    elseif covers(val(h[2]), val(h[3]), lines) then
      use(cur, sb, ikey)
      return reply('consumed', { id = cur, pids = val(h[3]) or '' }, {})
    else
      if unchecked and wouldWait then return reply('check', {}, {}) end
      release(cur, 'left')
    end
  elseif st == 'waiting' then
    if unchecked then return reply('check', {}, {}) end
    -- A refresh or a new tab: the same place, now for the cart as it is.
    redis.call('HSET', TP .. cur, 'pids', pids, 'lines', lines)
    redis.call('PEXPIRE', TP .. cur, RECORD_TTL)
    redis.call('PEXPIRE', SP .. sb, RECORD_TTL)
    redis.call('ZADD', POLLS, 'XX', NOW, cur)
    local r = placeReply('queued', cur, {}, false)
    r[1] = 'queued'
    return r
  end
end
if wouldWait then
  if unchecked then return reply('check', {}, {}) end
  if CK ~= '' then
    -- The client's live places; ended ones (or forgotten: record gone) are dropped here, so the
    -- set never holds more than MAX_PLACES members.
    local held, live = redis.call('ZRANGE', CK, 0, -1), 0
    for i = 1, #held do
      local st = val(redis.call('HGET', TP .. held[i], 'state'))
      if st == 'waiting' or st == 'admitted' then live = live + 1 else redis.call('ZREM', CK, held[i]) end
    end
    if live >= MAX_PLACES then return reply('client_full', {}, {}) end
    redis.call('ZADD', CK, NOW, newId)
    redis.call('PEXPIRE', CK, RECORD_TTL)
  end
  local seq = redis.call('INCR', SEQ)
  local tk = TP .. newId
  redis.call('HSET', tk, 'sb', sb, 'seq', seq, 'fs', NOW, 'pids', pids, 'lines', lines, 'pae', len + 1, 'state', 'waiting')
  redis.call('PEXPIRE', tk, RECORD_TTL)
  redis.call('ZADD', LINE, seq, newId)
  redis.call('ZADD', POLLS, NOW, newId)
  redis.call('SET', SP .. sb, newId, 'PX', RECORD_TTL)
  advance(false)
  local r = placeReply('joined', newId, {}, false)
  r[1] = 'joined'
  return r
end
redis.call('HSET', BUCKET, 'tokens', tokens - 1, 'at', at)
return reply('go', {}, {})
`

/**
 * poll: ARGV 15-17: ticket id, session binding, unlimited (1/0: the room is off, a non-early
 * poll admits the whole line at once). Kinds: `expired`, `not_yours`, `used` (the admission was
 * used by a checkout call: its idempotency key in usedKey, with the place's pids, fs, admittedAt
 * and admissionSeq, so the caller can point at the order),
 * `sold_out_now` (every item's gate closed: the place is released now, also on an early poll),
 * `sold_out` (released by an earlier poll),
 * `admitted`, `waiting` (early = 1: read only, nothing changed).
 */
export const POLL_LUA = COMMON + String.raw`
local id, sb, unlimited = ARGV[15], ARGV[16], ARGV[17] == '1'
local tk = TP .. id
local h = redis.call('HMGET', tk, 'sb', 'state', 'pids', 'pollAfterAt', 'admittedAt', 'usedKey', 'fs', 'admissionSeq', 'seq')
local state = val(h[2])
if not state then return reply('expired', {}, {}) end
if val(h[1]) ~= sb then return reply('not_yours', {}, {}) end
if state == 'used' then
  return reply('used', { id = id, pids = val(h[3]) or '', ukey = val(h[6]) or '', fs = tonumber(val(h[7]) or 0),
    aat = tonumber(val(h[5]) or 0), aseq = tonumber(val(h[8]) or 0), seq = tonumber(val(h[9]) or 0) }, {})
end
if state == 'left' or state == 'expired' then return reply('expired', {}, {}) end
local pids = val(h[3]) or ''
local closed = closedGates(pids)
if state == 'sold_out' or (countPids(pids) > 0 and #closed / 2 >= countPids(pids)) then
  if state == 'waiting' or state == 'admitted' then
    release(id, 'sold_out')
    return reply('sold_out_now', { id = id, pids = pids }, closed)
  end
  return reply('sold_out', { id = id, pids = pids }, closed)
end
if state == 'admitted' then
  if NOW - tonumber(val(h[5]) or 0) > ADMIT_VALID then
    release(id, 'expired')
    expired = expired + 1
    return reply('expired', {}, {})
  end
  return placeReply('admitted', id, closed, false)
end
if NOW < tonumber(val(h[4]) or 0) then return placeReply('waiting', id, closed, true) end
local last = tonumber(val(redis.call('ZSCORE', POLLS, id)) or NOW)
if NOW - last > IDLE then
  release(id, 'expired')
  expired = expired + 1
  return reply('expired', {}, {})
end
redis.call('ZADD', POLLS, 'XX', NOW, id)
redis.call('PEXPIRE', tk, RECORD_TTL)
redis.call('PEXPIRE', SP .. sb, RECORD_TTL)
advance(unlimited)
return placeReply('waiting', id, closed, false)
`

/**
 * consume: the admitted checkout call. ARGV 15-20: ticket id, session binding, idempotency key,
 * the call's lines ("pid:qty,..."), unlimited (1/0: the room is off, so the line is first
 * admitted at once, as a poll would), the key's idempotency record. Kinds: `seen` (the store
 * already has a record for this session's key: a repeat, whatever became of the place since;
 * the normal path replays it), `ok` (used now by this key), `again` (already used
 * by this same key: an idempotent retry; it is not this call's to give back), `used` (another
 * key), `expired`, `not_yours`, `waiting` (not admitted yet: the caller answers with the place),
 * `items` (the call buys products, or units, the place was not queued for).
 */
export const CONSUME_LUA = COMMON + String.raw`
local id, sb, ikey, want, unlimited, idemRecord = ARGV[15], ARGV[16], ARGV[17], ARGV[18], ARGV[19] == '1', ARGV[20]
if redis.call('EXISTS', idemRecord) == 1 then return reply('seen', { id = id }, {}) end
local tk = TP .. id
if unlimited and val(redis.call('HGET', tk, 'state')) == 'waiting' then advance(true) end
local h = redis.call('HMGET', tk, 'sb', 'state', 'pids', 'admittedAt', 'usedKey', 'lines')
local state = val(h[2])
if not state then return reply('expired', {}, {}) end
if val(h[1]) ~= sb then return reply('not_yours', {}, {}) end
if state == 'used' then
  if val(h[5]) == ikey then return reply('again', { id = id }, {}) end
  return reply('used', {}, {})
end
if state == 'waiting' then return reply('waiting', { id = id }, {}) end
if state ~= 'admitted' then return reply('expired', {}, {}) end
if NOW - tonumber(val(h[4]) or 0) > ADMIT_VALID then
  release(id, 'expired')
  expired = expired + 1
  return reply('expired', {}, {})
end
if not covers(val(h[6]), val(h[3]), want) then return reply('items', { id = id, pids = val(h[3]) or '' }, {}) end
use(id, sb, ikey)
return reply('ok', { id = id }, {})
`

/**
 * return: the admitted checkout call (CONSUME's `ok`, ENTER's `consumed`) ended without an order:
 * its admission is given back. ARGV 15-17: ticket id, session binding, idempotency key. Kinds:
 * `returned` (the place is `admitted` again with its admittedAt, so the same admitUntil; usedKey
 * cleared; the session points at it again unless it has another live place), `expired` (the
 * admission's time ran out meanwhile: released), `not_yours`, `ok` (nothing to give back: not
 * used, or used by another key).
 */
export const RETURN_LUA = COMMON + String.raw`
local id, sb, ikey = ARGV[15], ARGV[16], ARGV[17]
local tk = TP .. id
local h = redis.call('HMGET', tk, 'sb', 'state', 'usedKey', 'admittedAt')
if not val(h[2]) then return reply('expired', {}, {}) end
if val(h[1]) ~= sb then return reply('not_yours', {}, {}) end
if val(h[2]) ~= 'used' or val(h[3]) ~= ikey then return reply('ok', { id = id }, {}) end
local admittedAt = tonumber(val(h[4]) or 0)
if NOW - admittedAt > ADMIT_VALID then
  release(id, 'expired')
  expired = expired + 1
  return reply('expired', {}, {})
end
redis.call('HSET', tk, 'state', 'admitted')
redis.call('HDEL', tk, 'usedKey', 'usedAt')
redis.call('PEXPIRE', tk, RECORD_TTL)
redis.call('ZADD', ADMITTED, whole(admittedAt), id)
local cur = val(redis.call('GET', SP .. sb))
local live = cur and val(redis.call('HGET', TP .. cur, 'state'))
if not (live == 'waiting' or live == 'admitted') then redis.call('SET', SP .. sb, id, 'PX', RECORD_TTL) end
return reply('returned', { id = id }, {})
`

/** leave: ARGV 15-16: ticket id, session binding. Kinds: `left_now` (it was waiting or admitted), `left` (nothing to leave), `not_yours`. */
export const LEAVE_LUA = COMMON + String.raw`
local id, sb = ARGV[15], ARGV[16]
local h = redis.call('HMGET', TP .. id, 'sb', 'state')
local state = val(h[2])
if not state then return reply('left', {}, {}) end
if val(h[1]) ~= sb then return reply('not_yours', {}, {}) end
if state == 'waiting' or state == 'admitted' then
  release(id, 'left')
  return reply('left_now', {}, {})
end
return reply('left', {}, {})
`
