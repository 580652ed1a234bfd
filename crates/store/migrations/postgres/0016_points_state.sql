-- Shop points kept incrementally (DESIGN I-22, I-24). Append-only: never edit a released
-- migration, add the next one.
--
-- points_balances.state: the shop's fold saved after its events so far (JSON of
-- `tianping_points::Saved`: rules version, as-of time, last canonical position, events
-- still dated after the as-of time, and the fold's state). An intake goes on from it with
-- the shop's new events; NULL, another version or a late event makes the intake fold the
-- shop's events from the start. `tianping points check` compares it with a new fold.
ALTER TABLE points_balances ADD COLUMN state TEXT;
