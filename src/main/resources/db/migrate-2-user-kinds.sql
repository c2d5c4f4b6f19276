-- Version 2: a user key carries its kind, g: (guest) or a: (account), so a guest never shares an account's bans,
-- mutes, refs or whispers. Before, a key was the case-folded name alone and meant whoever had the name. Schema runs
-- this once, in one transaction, and then gives the messages of the names in parley.reserved-names back to their
-- accounts (a: instead of g:).

-- A ban or mute of a name stopped the guest and the account of that name alike: it becomes one of each.
UPDATE parley_ban SET id = 'user:g:' || subject, subject = 'g:' || subject WHERE kind = 'user';
INSERT INTO parley_ban (id, kind, subject, until_at, reason, created_at, created_by)
    SELECT 'user:a:' || SUBSTRING(subject FROM 3), kind, 'a:' || SUBSTRING(subject FROM 3), until_at, reason,
           created_at, created_by
    FROM parley_ban WHERE kind = 'user';

UPDATE parley_mute SET id = room || '/g:' || user_key, user_key = 'g:' || user_key;
INSERT INTO parley_mute (id, room, user_key, until_at, created_at, created_by)
    SELECT room || '/a:' || SUBSTRING(user_key FROM 3), room, 'a:' || SUBSTRING(user_key FROM 3), until_at,
           created_at, created_by
    FROM parley_mute;

-- Who sent a stored message cannot be told afterwards: it counts as a guest's, its ref answers a guest's retry.
UPDATE parley_message SET sender_key = 'g:' || sender_key;
