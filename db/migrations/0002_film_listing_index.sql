-- Paged listings of public films walk this index in id order instead of
-- scanning and sorting the table.
CREATE INDEX films_by_visibility ON films(private, id);
