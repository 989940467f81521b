-- SPDX-License-Identifier: MPL-2.0
-- Kahu's PostgreSQL schema, version 13.0: the lease and host parts of the schema Kea 2.2's
-- kea-admin makes (same tables, columns, types, indexes, statistics tables and triggers), so
-- Kahu and Kea 2.2 read and write the same rows. Run by `kahu-admin db-init pgsql` on an empty
-- database, in one transaction.
--
-- Kahu uses lease4 only. The lease6 tables are here because Kea 2.2's lease manager prepares
-- its lease6 statements (and the lease-limit functions) when it connects, whatever its family:
-- without them kea-dhcp4 would not start on this database. Likewise the host tables are all
-- here (the DHCPv6 ones too), as Kea 2.2's host data source reads them. The configuration
-- backend's tables are not created, nor what ties the option tables to them (see the host
-- part below).

START TRANSACTION;

CREATE TABLE schema_version (
    version INT PRIMARY KEY NOT NULL,
    minor INT
);

-- Names of the lease states, for people reading the tables.
CREATE TABLE lease_state (
    state INT8 PRIMARY KEY NOT NULL,
    name VARCHAR(64) NOT NULL
);
INSERT INTO lease_state VALUES (0, 'default'), (1, 'declined'), (2, 'expired-reclaimed');

-- Where a lease6 hardware address came from; kept so the schema matches Kea's.
CREATE TABLE lease_hwaddr_source (
    hwaddr_source INT PRIMARY KEY NOT NULL,
    name VARCHAR(40) DEFAULT NULL
);
INSERT INTO lease_hwaddr_source VALUES (0, 'HWADDR_SOURCE_UNKNOWN'), (1, 'HWADDR_SOURCE_RAW'),
    (2, 'HWADDR_SOURCE_IPV6_LINK_LOCAL'), (4, 'HWADDR_SOURCE_DUID'),
    (8, 'HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION'), (16, 'HWADDR_SOURCE_REMOTE_ID'),
    (32, 'HWADDR_SOURCE_SUBSCRIBER_ID'), (64, 'HWADDR_SOURCE_DOCSIS_CMTS'),
    (128, 'HWADDR_SOURCE_DOCSIS_MODEM');

CREATE TABLE lease6_types (
    lease_type SMALLINT PRIMARY KEY NOT NULL,
    name VARCHAR(5)
);
INSERT INTO lease6_types VALUES (0, 'IA_NA'), (1, 'IA_TA'), (2, 'IA_PD');

-- One row per IPv4 lease. address is the IPv4 address as an unsigned integer; expire is
-- cltt + valid_lifetime, or cltt alone for an infinite lifetime (4294967295); a missing
-- hardware address or client id is an empty bytea and a missing user context '', as Kea
-- writes them.
CREATE TABLE lease4 (
    address BIGINT PRIMARY KEY NOT NULL,
    hwaddr BYTEA,
    client_id BYTEA,
    valid_lifetime BIGINT,
    expire TIMESTAMP WITH TIME ZONE,
    subnet_id BIGINT,
    fqdn_fwd BOOLEAN,
    fqdn_rev BOOLEAN,
    hostname VARCHAR(255),
    state INT8 DEFAULT 0,
    user_context TEXT,
    CONSTRAINT fk_lease4_state FOREIGN KEY (state) REFERENCES lease_state (state)
);
CREATE INDEX lease4_by_hwaddr_subnet_id ON lease4 (hwaddr, subnet_id);
CREATE INDEX lease4_by_client_id_subnet_id ON lease4 (client_id, subnet_id);
CREATE INDEX lease4_by_state_expire ON lease4 (state ASC, expire ASC);
CREATE INDEX lease4_by_subnet_id ON lease4 (subnet_id);
CREATE INDEX lease4_by_hostname ON lease4 (lower(hostname)) WHERE hostname IS NOT NULL;

CREATE TABLE lease6 (
    address VARCHAR(39) PRIMARY KEY NOT NULL,
    duid BYTEA,
    valid_lifetime BIGINT,
    expire TIMESTAMP WITH TIME ZONE,
    subnet_id BIGINT,
    pref_lifetime BIGINT,
    lease_type SMALLINT,
    iaid INT,
    prefix_len SMALLINT,
    fqdn_fwd BOOLEAN,
    fqdn_rev BOOLEAN,
    hostname VARCHAR(255),
    state INT8 DEFAULT 0,
    hwaddr BYTEA DEFAULT NULL,
    hwtype SMALLINT DEFAULT NULL,
    hwaddr_source SMALLINT DEFAULT NULL,
    user_context TEXT,
    CONSTRAINT fk_lease6_state FOREIGN KEY (state) REFERENCES lease_state (state),
    CONSTRAINT fk_lease6_type FOREIGN KEY (lease_type) REFERENCES lease6_types (lease_type)
);
CREATE INDEX lease6_by_state_expire ON lease6 (state ASC, expire ASC);
CREATE INDEX lease6_by_subnet_id_lease_type ON lease6 (subnet_id, lease_type);
CREATE INDEX lease6_by_duid_iaid_subnet_id ON lease6 (duid, iaid, subnet_id);
CREATE INDEX lease6_by_hostname ON lease6 (lower(hostname)) WHERE hostname IS NOT NULL;

-- Lease counts the server reads at start-up and for statistics commands, kept by the triggers
-- below: per subnet (and lease type) for states 0 (default) and 1 (declined), and per client
-- class (from user_context's ISC.client-classes) for state 0, which Kea's lease limits use.
CREATE TABLE lease4_stat (
    subnet_id BIGINT NOT NULL,
    state INT8 NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, state)
);

CREATE TABLE lease6_stat (
    subnet_id BIGINT NOT NULL,
    lease_type SMALLINT NOT NULL,
    state INT8 NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, lease_type, state)
);

CREATE TABLE lease4_stat_by_client_class (
    client_class VARCHAR(128) NOT NULL PRIMARY KEY,
    leases BIGINT NOT NULL
);

CREATE TABLE lease6_stat_by_client_class (
    client_class VARCHAR(128) NOT NULL,
    lease_type SMALLINT NOT NULL,
    leases BIGINT NOT NULL,
    PRIMARY KEY (client_class, lease_type),
    CONSTRAINT fk_lease6_stat_by_client_class_lease_type FOREIGN KEY (lease_type)
        REFERENCES lease6_types (lease_type)
);

-- A user context as JSON: '' (no context) reads as an empty object.
CREATE FUNCTION json_cast(IN json_candidate TEXT) RETURNS JSON AS $$
BEGIN
    IF LENGTH(json_candidate) = 0 THEN
        RETURN '{}'::json;
    END IF;
    RETURN json_candidate::json;
END;
$$ LANGUAGE plpgsql;

-- Kea's lease-limits hook asks this before it relies on the JSON functions.
CREATE FUNCTION isJsonSupported() RETURNS BOOLEAN AS $$
    SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'json_extract_path');
$$ LANGUAGE SQL STABLE;

-- The client classes a user context names (ISC.client-classes); none when it names no list.
CREATE FUNCTION kahu_client_classes(IN user_context TEXT) RETURNS SETOF TEXT AS $$
DECLARE
    classes JSON := json_cast(user_context)->'ISC'->'client-classes';
BEGIN
    IF classes IS NOT NULL AND json_typeof(classes) = 'array' THEN
        RETURN QUERY SELECT json_array_elements_text(classes);
    END IF;
END;
$$ LANGUAGE plpgsql;

-- lease4_stat: one more or one fewer lease of a subnet in a counted state.
CREATE FUNCTION lease4_AINS_lease4_stat(IN new_state BIGINT, IN new_subnet_id BIGINT)
RETURNS VOID AS $$
BEGIN
    IF new_state = 0 OR new_state = 1 THEN
        INSERT INTO lease4_stat AS s (subnet_id, state, leases)
            VALUES (new_subnet_id, new_state, 1)
            ON CONFLICT (subnet_id, state) DO UPDATE SET leases = s.leases + 1;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_ADEL_lease4_stat(IN old_state BIGINT, IN old_subnet_id BIGINT)
RETURNS VOID AS $$
BEGIN
    IF old_state = 0 OR old_state = 1 THEN
        UPDATE lease4_stat SET leases = GREATEST(leases - 1, 0)
            WHERE subnet_id = old_subnet_id AND state = old_state;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_AUPD_lease4_stat(IN old_state BIGINT, IN old_subnet_id BIGINT,
                                        IN new_state BIGINT, IN new_subnet_id BIGINT)
RETURNS VOID AS $$
BEGIN
    IF old_subnet_id IS DISTINCT FROM new_subnet_id OR old_state IS DISTINCT FROM new_state THEN
        PERFORM lease4_ADEL_lease4_stat(old_state, old_subnet_id);
        PERFORM lease4_AINS_lease4_stat(new_state, new_subnet_id);
    END IF;
END;
$$ LANGUAGE plpgsql;

-- lease4_stat_by_client_class: the same per client class, for state 0.
CREATE FUNCTION lease4_AINS_lease4_stat_by_client_class(IN new_state BIGINT,
                                                        IN new_user_context TEXT)
RETURNS VOID AS $$
BEGIN
    IF new_state = 0 THEN
        INSERT INTO lease4_stat_by_client_class AS s (client_class, leases)
            SELECT DISTINCT c, 1 FROM kahu_client_classes(new_user_context) AS c
            ON CONFLICT (client_class) DO UPDATE SET leases = s.leases + 1;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_ADEL_lease4_stat_by_client_class(IN old_state BIGINT,
                                                        IN old_user_context TEXT)
RETURNS VOID AS $$
BEGIN
    IF old_state = 0 THEN
        UPDATE lease4_stat_by_client_class SET leases = GREATEST(leases - 1, 0)
            WHERE client_class IN (SELECT c FROM kahu_client_classes(old_user_context) AS c);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_AUPD_lease4_stat_by_client_class(IN old_state BIGINT,
                                                        IN old_user_context TEXT,
                                                        IN new_state BIGINT,
                                                        IN new_user_context TEXT)
RETURNS VOID AS $$
BEGIN
    IF old_state IS DISTINCT FROM new_state OR
       (json_cast(old_user_context)->'ISC'->'client-classes')::TEXT IS DISTINCT FROM
       (json_cast(new_user_context)->'ISC'->'client-classes')::TEXT THEN
        PERFORM lease4_ADEL_lease4_stat_by_client_class(old_state, old_user_context);
        PERFORM lease4_AINS_lease4_stat_by_client_class(new_state, new_user_context);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease4_AINS() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease4_AINS_lease4_stat_by_client_class(NEW.state, NEW.user_context);
    PERFORM lease4_AINS_lease4_stat(NEW.state, NEW.subnet_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease4_AUPD() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease4_AUPD_lease4_stat_by_client_class(OLD.state, OLD.user_context,
                                                    NEW.state, NEW.user_context);
    PERFORM lease4_AUPD_lease4_stat(OLD.state, OLD.subnet_id, NEW.state, NEW.subnet_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease4_ADEL() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease4_ADEL_lease4_stat_by_client_class(OLD.state, OLD.user_context);
    PERFORM lease4_ADEL_lease4_stat(OLD.state, OLD.subnet_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER lease4_AINS AFTER INSERT ON lease4
    FOR EACH ROW EXECUTE PROCEDURE func_lease4_AINS();
CREATE TRIGGER lease4_AUPD AFTER UPDATE ON lease4
    FOR EACH ROW EXECUTE PROCEDURE func_lease4_AUPD();
CREATE TRIGGER lease4_ADEL AFTER DELETE ON lease4
    FOR EACH ROW EXECUTE PROCEDURE func_lease4_ADEL();

-- The lease6 counterparts, per lease type too.
CREATE FUNCTION lease6_AINS_lease6_stat(IN new_state BIGINT, IN new_subnet_id BIGINT,
                                        IN new_lease_type SMALLINT)
RETURNS VOID AS $$
BEGIN
    IF new_state = 0 OR new_state = 1 THEN
        INSERT INTO lease6_stat AS s (subnet_id, lease_type, state, leases)
            VALUES (new_subnet_id, new_lease_type, new_state, 1)
            ON CONFLICT (subnet_id, lease_type, state) DO UPDATE SET leases = s.leases + 1;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_ADEL_lease6_stat(IN old_state BIGINT, IN old_subnet_id BIGINT,
                                        IN old_lease_type SMALLINT)
RETURNS VOID AS $$
BEGIN
    IF old_state = 0 OR old_state = 1 THEN
        UPDATE lease6_stat SET leases = GREATEST(leases - 1, 0)
            WHERE subnet_id = old_subnet_id AND lease_type = old_lease_type
              AND state = old_state;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_AUPD_lease6_stat(IN old_state BIGINT, IN old_subnet_id BIGINT,
                                        IN old_lease_type SMALLINT, IN new_state BIGINT,
                                        IN new_subnet_id BIGINT, IN new_lease_type SMALLINT)
RETURNS VOID AS $$
BEGIN
    IF old_subnet_id IS DISTINCT FROM new_subnet_id OR
       old_lease_type IS DISTINCT FROM new_lease_type OR
       old_state IS DISTINCT FROM new_state THEN
        PERFORM lease6_ADEL_lease6_stat(old_state, old_subnet_id, old_lease_type);
        PERFORM lease6_AINS_lease6_stat(new_state, new_subnet_id, new_lease_type);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_AINS_lease6_stat_by_client_class(IN new_state BIGINT,
                                                        IN new_user_context TEXT,
                                                        IN new_lease_type SMALLINT)
RETURNS VOID AS $$
BEGIN
    IF new_state = 0 THEN
        INSERT INTO lease6_stat_by_client_class AS s (client_class, lease_type, leases)
            SELECT DISTINCT c, new_lease_type, 1 FROM kahu_client_classes(new_user_context) AS c
            ON CONFLICT (client_class, lease_type) DO UPDATE SET leases = s.leases + 1;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_ADEL_lease6_stat_by_client_class(IN old_state BIGINT,
                                                        IN old_user_context TEXT,
                                                        IN old_lease_type SMALLINT)
RETURNS VOID AS $$
BEGIN
    IF old_state = 0 THEN
        UPDATE lease6_stat_by_client_class SET leases = GREATEST(leases - 1, 0)
            WHERE lease_type = old_lease_type
              AND client_class IN (SELECT c FROM kahu_client_classes(old_user_context) AS c);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_AUPD_lease6_stat_by_client_class(IN old_state BIGINT,
                                                        IN old_user_context TEXT,
                                                        IN old_lease_type SMALLINT,
                                                        IN new_state BIGINT,
                                                        IN new_user_context TEXT,
                                                        IN new_lease_type SMALLINT)
RETURNS VOID AS $$
BEGIN
    IF old_state IS DISTINCT FROM new_state OR
       old_lease_type IS DISTINCT FROM new_lease_type OR
       (json_cast(old_user_context)->'ISC'->'client-classes')::TEXT IS DISTINCT FROM
       (json_cast(new_user_context)->'ISC'->'client-classes')::TEXT THEN
        PERFORM lease6_ADEL_lease6_stat_by_client_class(old_state, old_user_context,
                                                        old_lease_type);
        PERFORM lease6_AINS_lease6_stat_by_client_class(new_state, new_user_context,
                                                        new_lease_type);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease6_AINS() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease6_AINS_lease6_stat_by_client_class(NEW.state, NEW.user_context,
                                                    NEW.lease_type);
    PERFORM lease6_AINS_lease6_stat(NEW.state, NEW.subnet_id, NEW.lease_type);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease6_AUPD() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease6_AUPD_lease6_stat_by_client_class(OLD.state, OLD.user_context,
                                                    OLD.lease_type, NEW.state,
                                                    NEW.user_context, NEW.lease_type);
    PERFORM lease6_AUPD_lease6_stat(OLD.state, OLD.subnet_id, OLD.lease_type,
                                    NEW.state, NEW.subnet_id, NEW.lease_type);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease6_ADEL() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease6_ADEL_lease6_stat_by_client_class(OLD.state, OLD.user_context,
                                                    OLD.lease_type);
    PERFORM lease6_ADEL_lease6_stat(OLD.state, OLD.subnet_id, OLD.lease_type);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER lease6_AINS AFTER INSERT ON lease6
    FOR EACH ROW EXECUTE PROCEDURE func_lease6_AINS();
CREATE TRIGGER lease6_AUPD AFTER UPDATE ON lease6
    FOR EACH ROW EXECUTE PROCEDURE func_lease6_AUPD();
CREATE TRIGGER lease6_ADEL AFTER DELETE ON lease6
    FOR EACH ROW EXECUTE PROCEDURE func_lease6_ADEL();

-- Kea's lease limits: '' when the limits a lease's user context sets (ISC.limits) allow one
-- more lease, else which limit is reached. Kea 2.2 prepares the calls when it connects.
CREATE FUNCTION checkLease4Limits(user_context TEXT) RETURNS TEXT AS $$
DECLARE
    limits JSON := json_cast(user_context)->'ISC'->'limits';
    class JSON;
    class_name TEXT;
    lease_limit BIGINT;
    lease_count BIGINT;
    sid BIGINT;
BEGIN
    IF limits IS NULL THEN
        RETURN '';
    END IF;
    IF json_typeof(limits->'client-classes') = 'array' THEN
        FOR class IN SELECT json_array_elements(limits->'client-classes') LOOP
            class_name := class->>'name';
            lease_limit := (class->>'address-limit')::BIGINT;
            IF lease_limit IS NOT NULL THEN
                SELECT leases INTO lease_count FROM lease4_stat_by_client_class
                    WHERE client_class = class_name;
                lease_count := COALESCE(lease_count, 0);
                IF lease_limit <= lease_count THEN
                    RETURN CONCAT('address limit ', lease_limit, ' for client class "',
                                  class_name, '", current lease count ', lease_count);
                END IF;
            END IF;
        END LOOP;
    END IF;
    sid := (limits->'subnet'->>'id')::BIGINT;
    lease_limit := (limits->'subnet'->>'address-limit')::BIGINT;
    IF lease_limit IS NOT NULL THEN
        SELECT leases INTO lease_count FROM lease4_stat WHERE subnet_id = sid AND state = 0;
        lease_count := COALESCE(lease_count, 0);
        IF lease_limit <= lease_count THEN
            RETURN CONCAT('address limit ', lease_limit, ' for subnet ID ', sid,
                          ', current lease count ', lease_count);
        END IF;
    END IF;
    RETURN '';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION checkLease6Limits(user_context TEXT) RETURNS TEXT AS $$
DECLARE
    limits JSON := json_cast(user_context)->'ISC'->'limits';
    class JSON;
    class_name TEXT;
    kind TEXT;
    wanted_type SMALLINT;
    lease_limit BIGINT;
    lease_count BIGINT;
    sid BIGINT;
BEGIN
    IF limits IS NULL THEN
        RETURN '';
    END IF;
    IF json_typeof(limits->'client-classes') = 'array' THEN
        FOR class IN SELECT json_array_elements(limits->'client-classes') LOOP
            class_name := class->>'name';
            FOREACH kind IN ARRAY ARRAY['address', 'prefix'] LOOP
                wanted_type := CASE kind WHEN 'address' THEN 0 ELSE 2 END;
                lease_limit := (class->>(kind || '-limit'))::BIGINT;
                IF lease_limit IS NOT NULL THEN
                    SELECT s.leases INTO lease_count FROM lease6_stat_by_client_class s
                        WHERE s.client_class = class_name AND s.lease_type = wanted_type;
                    lease_count := COALESCE(lease_count, 0);
                    IF lease_limit <= lease_count THEN
                        RETURN CONCAT(kind, ' limit ', lease_limit, ' for client class "',
                                      class_name, '", current lease count ', lease_count);
                    END IF;
                END IF;
            END LOOP;
        END LOOP;
    END IF;
    sid := (limits->'subnet'->>'id')::BIGINT;
    FOREACH kind IN ARRAY ARRAY['address', 'prefix'] LOOP
        wanted_type := CASE kind WHEN 'address' THEN 0 ELSE 2 END;
        lease_limit := (limits->'subnet'->>(kind || '-limit'))::BIGINT;
        IF lease_limit IS NOT NULL THEN
            SELECT s.leases INTO lease_count FROM lease6_stat s
                WHERE s.subnet_id = sid AND s.lease_type = wanted_type AND s.state = 0;
            lease_count := COALESCE(lease_count, 0);
            IF lease_limit <= lease_count THEN
                RETURN CONCAT(kind, ' limit ', lease_limit, ' for subnet ID ', sid,
                              ', current lease count ', lease_count);
            END IF;
        END IF;
    END LOOP;
    RETURN '';
END;
$$ LANGUAGE plpgsql;

-- kea-admin lease-dump pgsql -4: the lease table as a memfile CSV (hex bytes with colons,
-- commas in text escaped as &#x2c).
CREATE FUNCTION colonSeparatedHex(hex TEXT) RETURNS TEXT AS $$
    SELECT LOWER(regexp_replace(CASE WHEN LENGTH(hex) % 2 = 1 THEN '0' || hex ELSE hex END,
                                '(..)(?!$)', '\1:', 'g'));
$$ LANGUAGE SQL IMMUTABLE STRICT;

CREATE FUNCTION lease4DumpHeader() RETURNS TEXT AS $$
    SELECT CAST('address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,'
                'hostname,state,user_context' AS TEXT);
$$ LANGUAGE SQL;

CREATE FUNCTION lease4DumpData() RETURNS TABLE (
    address INET,
    hwaddr VARCHAR,
    client_id VARCHAR,
    valid_lifetime BIGINT,
    expire BIGINT,
    subnet_id BIGINT,
    fqdn_fwd INT,
    fqdn_rev INT,
    hostname VARCHAR,
    state INT8,
    user_context VARCHAR
) AS $$
    SELECT '0.0.0.0'::inet + l.address,
           colonSeparatedHex(encode(l.hwaddr, 'hex')),
           colonSeparatedHex(encode(l.client_id, 'hex')),
           l.valid_lifetime,
           extract(epoch from l.expire)::bigint,
           l.subnet_id,
           l.fqdn_fwd::int,
           l.fqdn_rev::int,
           replace(l.hostname, ',', '&#x2c'),
           l.state,
           replace(l.user_context, ',', '&#x2c')
    FROM lease4 l
    ORDER BY l.address;
$$ LANGUAGE SQL;

-- The host part: reservations (the "hosts-database" of Kahu and of Kea 2.2).

-- The identifier a host is keyed on (hosts.dhcp_identifier_type).
CREATE TABLE host_identifier_type (
    type SMALLINT PRIMARY KEY NOT NULL,
    name VARCHAR(32) DEFAULT NULL
);
INSERT INTO host_identifier_type VALUES (0, 'hw-address'), (1, 'duid'), (2, 'circuit-id'),
    (3, 'client-id'), (4, 'flex-id');

-- What an option row belongs to (dhcp4_options.scope_id): a host's options are scope 3. The
-- other scopes are the configuration backend's.
CREATE TABLE dhcp_option_scope (
    scope_id SMALLINT PRIMARY KEY NOT NULL,
    scope_name VARCHAR(32) DEFAULT NULL
);
INSERT INTO dhcp_option_scope VALUES (0, 'global'), (1, 'subnet'), (2, 'client-class'),
    (3, 'host'), (4, 'shared-network'), (5, 'pool'), (6, 'pd-pool');

-- One row per reservation, for DHCPv4 (dhcp4_subnet_id set; 0 = global), DHCPv6
-- (dhcp6_subnet_id) or both. Addresses and next-server are IPv4 addresses as unsigned
-- integers; the client classes a comma-separated list.
CREATE TABLE hosts (
    host_id SERIAL PRIMARY KEY NOT NULL,
    dhcp_identifier BYTEA NOT NULL,
    dhcp_identifier_type SMALLINT NOT NULL,
    dhcp4_subnet_id BIGINT NULL,
    dhcp6_subnet_id BIGINT NULL,
    ipv4_address BIGINT NULL,
    hostname VARCHAR(255) DEFAULT NULL,
    dhcp4_client_classes VARCHAR(255) DEFAULT NULL,
    dhcp6_client_classes VARCHAR(255) DEFAULT NULL,
    dhcp4_next_server BIGINT DEFAULT NULL,
    dhcp4_server_hostname VARCHAR(64) DEFAULT NULL,
    dhcp4_boot_file_name VARCHAR(128) DEFAULT NULL,
    user_context TEXT,
    auth_key VARCHAR(32) DEFAULT NULL,
    CONSTRAINT fk_host_identifier_type FOREIGN KEY (dhcp_identifier_type)
        REFERENCES host_identifier_type (type) ON DELETE CASCADE
);
CREATE INDEX fk_host_identifier_type ON hosts (dhcp_identifier_type);
-- An identifier has one reservation per subnet of each family; an address may have several
-- (Kea allows that since schema 13.0), the index only makes the lookups fast.
CREATE UNIQUE INDEX key_dhcp4_identifier_subnet_id ON hosts
    (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id) WHERE dhcp4_subnet_id IS NOT NULL;
CREATE UNIQUE INDEX key_dhcp6_identifier_subnet_id ON hosts
    (dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id) WHERE dhcp6_subnet_id IS NOT NULL;
CREATE INDEX key_dhcp4_ipv4_address_subnet_id ON hosts (ipv4_address ASC, dhcp4_subnet_id ASC);
CREATE INDEX key_dhcp_identifier ON hosts (dhcp_identifier, dhcp_identifier_type);
CREATE INDEX hosts_by_hostname ON hosts (lower(hostname)) WHERE hostname IS NOT NULL;

-- Options: a host's (scope 3, host_id set), and in Kea's full schema the configuration
-- backend's. Either value (the payload) or formatted_value (the text as written, csv-format)
-- is set. The configuration backend's columns are kept so that Kea 2.2 reads these tables as
-- its own; the foreign keys to its tables (dhcp4_subnet, dhcp4_shared_network, dhcp4_pool and
-- their DHCPv6 counterparts) and its audit triggers, which do nothing for a host's options,
-- are left out with those tables.
CREATE TABLE dhcp4_options (
    option_id SERIAL PRIMARY KEY NOT NULL,
    code SMALLINT NOT NULL,
    value BYTEA,
    formatted_value TEXT,
    space VARCHAR(128) DEFAULT NULL,
    persistent BOOLEAN NOT NULL DEFAULT false,
    dhcp_client_class VARCHAR(128) DEFAULT NULL,
    dhcp4_subnet_id BIGINT,
    host_id INT NULL,
    scope_id SMALLINT NOT NULL,
    user_context TEXT,
    shared_network_name VARCHAR(128) DEFAULT NULL,
    pool_id BIGINT DEFAULT NULL,
    modification_ts TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_options_host1 FOREIGN KEY (host_id) REFERENCES hosts (host_id)
        ON DELETE CASCADE,
    CONSTRAINT fk_dhcp4_option_scode FOREIGN KEY (scope_id)
        REFERENCES dhcp_option_scope (scope_id) ON DELETE CASCADE
);
CREATE INDEX fk_dhcp4_options_host1_idx ON dhcp4_options (host_id);
CREATE INDEX fk_dhcp4_options_scope_idx ON dhcp4_options (scope_id);
CREATE INDEX fk_dhcp4_options_subnet ON dhcp4_options (dhcp4_subnet_id);
CREATE INDEX fk_dhcp4_options_shared_network ON dhcp4_options (shared_network_name);
CREATE INDEX fk_dhcp4_options_pool ON dhcp4_options (pool_id);

CREATE TABLE dhcp6_options (
    option_id SERIAL PRIMARY KEY NOT NULL,
    code INT NOT NULL,
    value BYTEA,
    formatted_value TEXT,
    space VARCHAR(128) DEFAULT NULL,
    persistent BOOLEAN NOT NULL DEFAULT false,
    dhcp_client_class VARCHAR(128) DEFAULT NULL,
    dhcp6_subnet_id BIGINT,
    host_id INT NULL,
    scope_id SMALLINT NOT NULL,
    user_context TEXT,
    shared_network_name VARCHAR(128) DEFAULT NULL,
    pool_id BIGINT DEFAULT NULL,
    pd_pool_id BIGINT DEFAULT NULL,
    modification_ts TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_options_host10 FOREIGN KEY (host_id) REFERENCES hosts (host_id)
        ON DELETE CASCADE,
    CONSTRAINT fk_dhcp6_option_scode FOREIGN KEY (scope_id)
        REFERENCES dhcp_option_scope (scope_id) ON DELETE CASCADE
);
CREATE INDEX fk_dhcp6_options_host1_idx ON dhcp6_options (host_id);
CREATE INDEX fk_dhcp6_options_scope_idx ON dhcp6_options (scope_id);
CREATE INDEX fk_dhcp6_options_subnet ON dhcp6_options (dhcp6_subnet_id);
CREATE INDEX fk_dhcp6_options_shared_network ON dhcp6_options (shared_network_name);
CREATE INDEX fk_dhcp6_options_pool ON dhcp6_options (pool_id);
CREATE INDEX fk_dhcp6_options_pd_pool ON dhcp6_options (pd_pool_id);

-- A DHCPv6 host's addresses and prefixes (type 0 = address, 2 = prefix); address is the text
-- form.
CREATE TABLE ipv6_reservations (
    reservation_id SERIAL PRIMARY KEY NOT NULL,
    address VARCHAR(39) NOT NULL,
    prefix_len SMALLINT NOT NULL DEFAULT '128',
    type SMALLINT NOT NULL DEFAULT '0',
    dhcp6_iaid INT DEFAULT NULL,
    host_id INT NOT NULL,
    CONSTRAINT fk_ipv6_reservations_host FOREIGN KEY (host_id) REFERENCES hosts (host_id)
        ON DELETE CASCADE
);
CREATE INDEX fk_ipv6_reservations_host_idx ON ipv6_reservations (host_id);
CREATE INDEX key_dhcp6_address_prefix_len ON ipv6_reservations (address ASC, prefix_len ASC);

INSERT INTO schema_version VALUES (13, 0);

COMMIT;
