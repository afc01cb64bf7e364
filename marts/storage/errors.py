"""Storage errors that reach users as one clear line."""


class StorageError(Exception):
    """A storage problem a user can act on; ``str()`` is the one line to show."""


class StorageUnavailable(StorageError):
    """The database cannot be opened: unreachable server, corrupt or locked file."""


class SchemaTooNew(StorageError):
    """The database was written by a newer NovaRium than this one."""
