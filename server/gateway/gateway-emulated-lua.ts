/**
 * Lua compatibility for the Redis emulation (gateway-emulated-backend.ts).
 *
 * ioredis-mock runs scripts on fengari (Lua 5.3 in JavaScript) with only `redis.call` and
 * `redis.pcall` defined. Real Redis runs Lua 5.1 with more around it, and scripts here rely
 * on two of those differences:
 *
 * - **`cjson`** (server/platform/cache.ts decodes the stored envelope with `cjson.decode`).
 *   fengari has no cjson and no npm package ships one for it, so a small JSON decoder is
 *   written below in Lua. `cjson.encode` raises a clear error instead (nothing here uses it).
 * - **Numbers passed to `redis.call`**: Redis turns them into strings the Lua 5.1 way
 *   (`%.14g`, so `3` and `3.0` are both "3"); ioredis-mock would store the number itself and
 *   Lua 5.3 would print `3.0`. The prelude converts them first.
 * - **Array replies of `redis.call`** reach the script as Lua tables whose nil entries are
 *   `false` (HMGET of missing fields; @upstash/ratelimit's token bucket tests `== false`);
 *   ioredis-mock hands over a JavaScript array proxy whose nils are JavaScript `null`s. The
 *   prelude copies it.
 *
 * - **`TIME`**: ioredis-mock answers with the seconds *rounded* and microseconds taken from
 *   `process.hrtime()` (unrelated to those seconds), so its clock jumps back and forth by up to a
 *   second. The prelude answers TIME inside a script from the gateway's own clock, read when the
 *   script starts (scripts run one at a time, so it is the same clock for every script).
 * - **Integers are 32-bit in fengari**: `tonumber('1796118471') * 1000` overflows. Scripts that do
 *   arithmetic on epoch milliseconds multiply by a float (`* 1000.0`) and format with `%.0f`.
 *
 * Also: a `#!lua …` shebang line is Redis syntax, not Lua, and is blanked; `redis.log` is a
 * no-op. Everything is prepended on the script's first line, so error line numbers match the
 * script as written. Not emulated: `redis.error_reply`/`status_reply`, `redis.sha1hex`,
 * cmsgpack, struct, bit.
 */

const CALLS = [
  'local __sf_unpack = table.unpack',
  'local function __sf_args(...)',
  "  local n = select('#', ...)",
  '  local args = { ... }',
  "  for i = 1, n do if type(args[i]) == 'number' then args[i] = string.format('%.14g', args[i]) end end",
  '  return __sf_unpack(args, 1, n)',
  'end',
  'local function __sf_table(r)',
  "  if type(r) ~= 'userdata' then return r end",
  '  local t = {}',
  "  for i = 1, math.tointeger(#r) do local v = r[i] if v == nil or (type(v) == 'userdata' and tostring(v) == 'null') then v = false end t[i] = v end",
  '  return t',
  'end',
  'local __sf_call, __sf_pcall = redis.call, redis.pcall',
  "local function __sf_is_time(c) return type(c) == 'string' and string.upper(c) == 'TIME' end",
  'redis.call = function(...) if __sf_is_time(...) then return { __sf_time[1], __sf_time[2] } end return __sf_table(__sf_call(__sf_args(...))) end',
  'redis.pcall = function(...) return __sf_table(__sf_pcall(__sf_args(...))) end',
  'redis.log = function() end',
  'redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3',
].join(' ')

/** Only prepended to scripts that mention cjson: parsing it costs about as much as the rest of a short script. */
const CJSON = [
  'cjson = {}',
  'do',
  '  local null = setmetatable({}, { __tostring = function() return "null" end })',
  '  cjson.null = null',
  "  local escapes = { ['\"'] = '\"', ['\\\\'] = '\\\\', ['/'] = '/', b = '\\b', f = '\\f', n = '\\n', r = '\\r', t = '\\t' }",
  '  local function fail(i, what) error(string.format("Expected %s at character %d", what, i), 0) end',
  "  local function skip(s, i) local _, e = string.find(s, '^[ \\n\\r\\t]*', i) return e + 1 end",
  '  local value',
  '  local function str(s, i)',
  '    local out, j = {}, i + 1',
  '    while true do',
  "      local k = string.find(s, '[\"\\\\]', j)",
  "      if not k then fail(j, 'closing quote') end",
  '      out[#out + 1] = string.sub(s, j, k - 1)',
  "      if string.sub(s, k, k) == '\"' then return table.concat(out), k + 1 end",
  '      local e = string.sub(s, k + 1, k + 1)',
  "      if e == 'u' then",
  '        local hex = string.sub(s, k + 2, k + 5)',
  "        if not string.find(hex, '^%x%x%x%x$') then fail(k, 'four hex digits') end",
  '        local cp = tonumber(hex, 16)',
  '        j = k + 6',
  "        if cp >= 0xD800 and cp <= 0xDBFF and string.sub(s, j, j + 1) == '\\\\u' then",
  '          local lo = tonumber(string.sub(s, j + 2, j + 5), 16)',
  '          if lo and lo >= 0xDC00 and lo <= 0xDFFF then cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00) j = j + 6 end',
  '        end',
  '        out[#out + 1] = utf8.char(cp)',
  '      else',
  "        if not escapes[e] then fail(k, 'an escape') end",
  '        out[#out + 1] = escapes[e]',
  '        j = k + 2',
  '      end',
  '    end',
  '  end',
  '  value = function(s, i)',
  '    i = skip(s, i)',
  '    local c = string.sub(s, i, i)',
  "    if c == '{' then",
  '      local obj = {}',
  '      i = skip(s, i + 1)',
  "      if string.sub(s, i, i) == '}' then return obj, i + 1 end",
  '      while true do',
  "        if string.sub(s, i, i) ~= '\"' then fail(i, 'object key') end",
  '        local key',
  '        key, i = str(s, i)',
  '        i = skip(s, i)',
  "        if string.sub(s, i, i) ~= ':' then fail(i, 'colon') end",
  '        obj[key], i = value(s, i + 1)',
  '        i = skip(s, i)',
  '        local d = string.sub(s, i, i)',
  "        if d == '}' then return obj, i + 1 end",
  "        if d ~= ',' then fail(i, 'comma or object end') end",
  '        i = skip(s, i + 1)',
  '      end',
  "    elseif c == '[' then",
  '      local arr, n = {}, 0',
  '      i = skip(s, i + 1)',
  "      if string.sub(s, i, i) == ']' then return arr, i + 1 end",
  '      while true do',
  '        n = n + 1',
  '        arr[n], i = value(s, i)',
  '        i = skip(s, i)',
  '        local d = string.sub(s, i, i)',
  "        if d == ']' then return arr, i + 1 end",
  "        if d ~= ',' then fail(i, 'comma or array end') end",
  '        i = i + 1',
  '      end',
  "    elseif c == '\"' then return str(s, i)",
  "    elseif string.sub(s, i, i + 3) == 'true' then return true, i + 4",
  "    elseif string.sub(s, i, i + 4) == 'false' then return false, i + 5",
  "    elseif string.sub(s, i, i + 3) == 'null' then return null, i + 4",
  '    else',
  "      local num = string.match(s, '^-?%d+%.?%d*[eE]?[-+]?%d*', i)",
  "      if not num or not tonumber(num) then fail(i, 'value') end",
  '      return tonumber(num), i + #num',
  '    end',
  '  end',
  '  cjson.decode = function(s)',
  "    if type(s) ~= 'string' then error('bad argument #1 to decode (string expected)', 0) end",
  '    local result, i = value(s, 1)',
  '    i = skip(s, i)',
  "    if i <= #s then fail(i, 'the end of the input') end",
  '    return result',
  '  end',
  "  cjson.encode = function() error('cjson.encode is not available in the Redis emulation', 0) end",
  'end',
].join(' ')

/**
 * The script as the emulation runs it: shebang line blanked, prelude prepended on line 1, TIME
 * answered with `nowMs` (the gateway's clock when the script starts).
 */
export function emulatedScript(script: string, nowMs: number = Date.now()): string {
  const body = script.startsWith('#!') ? script.replace(/^#![^\n]*/, '') : script
  const seconds = Math.floor(nowMs / 1000)
  const time = `local __sf_time = { '${seconds}', '${Math.floor((nowMs - seconds * 1000) * 1000)}' }`
  return /\bcjson\b/.test(body) ? `${time} ${CALLS} ${CJSON} ${body}` : `${time} ${CALLS} ${body}`
}
