insert into orders (id, item, quantity) values (1, 'kettle', 2), (2, 'teapot', 1);
