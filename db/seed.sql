-- The example of the lab slides. Loaded only into a new database.
-- Every password is "password" (bcrypt, cost 10).

INSERT INTO users (id, email, name, hash) VALUES
    (1, 'user@example.com',     'User',     '$2b$10$oxPOA7AYWtoD.vf3Y7dTXum0gyKutqD/hu30Y0ayCFySVJOzUgubW'),
    (2, 'frank@example.com',    'Frank',    '$2b$10$FoWCnRANZ604SLIhOV4FveEeu1q0aOA6NhuqFtqb6lIA1MhEoLgea'),
    (3, 'karen@example.com',    'Karen',    '$2b$10$vodD4uWdCfcg/zzhzxwRPOG7zH6eUNv9msBxE5G0hTQC22zexCnmu'),
    (4, 'rene@example.com',     'Rene',     '$2b$10$kuQ3FSt6SfeBqeoVtVH.pO9/eDcJnmrE2D.YqKsKav1zfJfS.rcBW'),
    (5, 'beatrice@example.com', 'Beatrice', '$2b$10$k353TuY5F6DNhji3WUQ8NeLm.SxRF2Ify4IpzmA0tvjWYZzKT96iy'),
    (6, 'arthur@example.com',   'Arthur',   '$2b$10$r0iTFpwu4vyHVTD//s3qKOrr.7txJx9L6JITxqpvraiQM81uP66UK');

INSERT INTO films (id, title, owner, private, watchDate, rating, favorite) VALUES
    (1, 'You Can (Not) Redo',       1, 0, NULL, NULL, NULL),
    (2, 'Spirited Away',            1, 0, NULL, NULL, NULL),
    (3, 'The Tale of Princess Kaguya', 1, 0, NULL, NULL, NULL),
    (4, 'Perfect Blue',             1, 0, NULL, NULL, NULL);

INSERT INTO reviews (filmId, reviewerId, completed, active) VALUES
    (1, 2, 0, 1),
    (2, 2, 0, 0),
    (2, 3, 0, 0),
    (3, 4, 0, 1);
