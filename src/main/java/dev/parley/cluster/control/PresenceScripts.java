package dev.parley.cluster.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts that keep presence in Redis for {@link RedisBus}, each run atomically, so that two nodes never both
 * count a user's first hold or last let-go, nor both reap one node. Every script takes the cluster's channel as
 * {@code ARGV[1]} and makes its keys from it (one Redis, not a Redis Cluster, so keys need not be declared):
 *
 * <ul>
 *   <li>{@code CH:m:ROOM}: hash, user key to how many nodes hold the user in the room;
 *   <li>{@code CH:n:ROOM}: hash, user key to the name shown (the last holder's);
 *   <li>{@code CH:h:NODE}: set of what the node holds, members {@code "ROOM USERKEY"} (neither has a space);
 *   <li>{@code CH:lease:NODE}: the node's lease, a string that expires ({@code PX});
 *   <li>{@code CH:nodes}: set of the node ids that hold or held something, which the reaper goes through.
 * </ul>
 *
 * <p>When a user's count goes from 0 to 1 or back to 0 the script publishes on the channel {@code "~ "} and the
 * presence text; node ids are base64url, so {@code "~"} is never one, and every node, the one that ran the script
 * included, hands the text to its listener. Redis runs scripts one at a time and sends each subscriber what they
 * publish in that order, so every node hears the changes in the order they happened.
 */
final class PresenceScripts {

    /** What prefixes a text the scripts publish, instead of a node's id. */
    static final String PREFIX = "~ ";

    private static final String COMMON = """
            local ch = ARGV[1]
            local function publish(room, user, name, joined)
              redis.call('PUBLISH', ch, '~ ' .. cjson.encode(
                {kind = 'presence', room = room, user = user, name = name, joined = joined}))
            end
            local function take(node, room, user, name)
              if redis.call('SADD', ch .. ':h:' .. node, room .. ' ' .. user) == 1 then
                redis.call('HSET', ch .. ':n:' .. room, user, name)
                if redis.call('HINCRBY', ch .. ':m:' .. room, user, 1) == 1 then
                  publish(room, user, name, true)
                end
              end
            end
            local function release(node, room, user)
              if redis.call('SREM', ch .. ':h:' .. node, room .. ' ' .. user) == 1 then
                local counts, names = ch .. ':m:' .. room, ch .. ':n:' .. room
                if redis.call('HINCRBY', counts, user, -1) <= 0 then
                  local name = redis.call('HGET', names, user) or ''
                  redis.call('HDEL', counts, user)
                  redis.call('HDEL', names, user)
                  publish(room, user, name, false)
                end
              end
            end
            local function releaseMember(node, member)
              local space = string.find(member, ' ', 1, true)
              release(node, string.sub(member, 1, space - 1), string.sub(member, space + 1))
            end
            -- a node that holds has a lease, so that no reaper takes it for dead before its next renewal; 0: the node
            -- never renewed yet, and is not registered (nor reaped) until it does
            local function register(node, lease)
              if lease > 0 then
                redis.call('SET', ch .. ':lease:' .. node, '1', 'PX', lease, 'NX')
                redis.call('SADD', ch .. ':nodes', node)
              end
            end
            """;

    /** ARGV: channel, node, lease ms (0: none yet), "1" to hold or "0" to let go, room, user key, name. */
    static final Script HOLD = new Script(COMMON + """
            local node = ARGV[2]
            register(node, tonumber(ARGV[3]))
            if ARGV[4] == '1' then
              take(node, ARGV[5], ARGV[6], ARGV[7])
            else
              release(node, ARGV[5], ARGV[6])
            end
            return 0
            """);

    /**
     * ARGV: channel, node, lease ms, then room, user key, name for each holding. Lets go of what the node holds and is
     * not given, then holds what it is given; a loop, not unpack, whose stack would not take a big set.
     */
    static final Script HOLD_ONLY = new Script(COMMON + """
            local node = ARGV[2]
            register(node, tonumber(ARGV[3]))
            local wanted = {}
            for i = 4, #ARGV, 3 do
              wanted[ARGV[i] .. ' ' .. ARGV[i + 1]] = true
            end
            for _, member in ipairs(redis.call('SMEMBERS', ch .. ':h:' .. node)) do
              if not wanted[member] then
                releaseMember(node, member)
              end
            end
            for i = 4, #ARGV, 3 do
              take(node, ARGV[i], ARGV[i + 1], ARGV[i + 2])
            end
            return 0
            """);

    /** ARGV: channel, room. User key, name, user key, name… of the users some node holds in the room. */
    static final Script MEMBERS = new Script("""
            local counts, names = ARGV[1] .. ':m:' .. ARGV[2], ARGV[1] .. ':n:' .. ARGV[2]
            local all = redis.call('HGETALL', names)
            local members = {}
            for i = 1, #all, 2 do
              if tonumber(redis.call('HGET', counts, all[i]) or '0') > 0 then
                members[#members + 1] = all[i]
                members[#members + 1] = all[i + 1]
              end
            end
            return members
            """);

    /**
     * ARGV: channel, node, lease ms. Renews the node's lease, then lets go of all that every node without a lease
     * holds, and forgets that node. Returns how many nodes it reaped, and 1 if this node's own lease was still there
     * (0: it had lapsed, or this is its first).
     */
    static final Script RENEW_AND_REAP = new Script(COMMON + """
            local node = ARGV[2]
            local lease = ch .. ':lease:' .. node
            local had = redis.call('EXISTS', lease)
            redis.call('SET', lease, '1', 'PX', tonumber(ARGV[3]))
            redis.call('SADD', ch .. ':nodes', node)
            local reaped = 0
            for _, other in ipairs(redis.call('SMEMBERS', ch .. ':nodes')) do
              if redis.call('EXISTS', ch .. ':lease:' .. other) == 0 then
                local held = ch .. ':h:' .. other
                for _, member in ipairs(redis.call('SMEMBERS', held)) do
                  releaseMember(other, member)
                end
                redis.call('DEL', held)
                redis.call('SREM', ch .. ':nodes', other)
                reaped = reaped + 1
              end
            end
            return {reaped, had}
            """);

    private PresenceScripts() {}

    /** A script and its SHA-1, for EVALSHA. */
    record Script(String body, String sha) {

        Script(String body) {
            this(body, sha1(body));
        }

        private static String sha1(String text) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
