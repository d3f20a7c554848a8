"""Backups that restore: `flask backup create FILE` and `flask backup restore FILE`.

One archive (a tar file, gzip-compressed when its name ends in .gz or .tgz) holds, in order:

    manifest.json        format and version, database kind, Alembic revision, created_at
                         (with its UTC offset), the row count of every table, the folders it carries
    database.sqlite3     (SQLite: a copy made with sqlite3's online backup API)
    database.pgdump      (PostgreSQL: pg_dump --format=custom, from the snapshot the counts read)
    folders/outbox/...   the outbox folder (OUTBOX_DIR)
    folders/imports/...  uploaded member files waiting to be imported (IMPORT_DIR)
    checksums.json       size and SHA-256 of every member before it; last, so a file cut short lacks it

This package sits on a floor of its own: it reads the database through app.extensions and the
settings through app.config, and never imports a domain package, so it keeps working whatever
the domains become.
"""
