create table orders (id bigint primary key, item varchar(64) not null, quantity int not null);
