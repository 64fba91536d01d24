-- Sign-in with the identity provider: which subject (the configured claim's
-- value, often an e-mail address) signs in as which member. Personal data,
-- so it lives beside the stream and is deleted when the member is removed
-- or forgotten; the stream only records that a link was made.
create table member_identities (
    member_id uuid primary key references member_profiles (member_id),
    werkplaats_id uuid not null references streams (id),
    subject text not null,
    linked_at timestamptz not null default now(),
    constraint member_identities_subject unique (werkplaats_id, subject)
);

create index member_identities_subject_lookup on member_identities (subject);
