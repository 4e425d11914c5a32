-- When the owner last changed a project or chat, as its event or its own answer said: a name learned
-- from the owner (read-your-writes) and one from an event may arrive in either order, and the older
-- one must not overwrite the newer one. Null for rows written before this column existed.
ALTER TABLE project_ref ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE chat_ref ADD COLUMN updated_at TIMESTAMPTZ;
