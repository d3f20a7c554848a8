"""The one commit-or-rollback decorator for service functions that write."""

import functools

from app.extensions import db


def transactional(func):
    """Commit when the function returns, roll back everything if it raises."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            result = func(*args, **kwargs)
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise

    return wrapper
