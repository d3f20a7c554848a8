import pytest

from tests.support.sendgrid_server import LocalSendGrid
from tests.support.smtp_server import LocalSmtp


@pytest.fixture
def smtp_server():
    server = LocalSmtp(refuse={"nobody@example.org"}, defer={"busy@example.org"}).start()
    yield server
    server.stop()


@pytest.fixture
def sendgrid_server():
    server = LocalSendGrid(api_key="SG.test-key").start()
    yield server
    server.stop()
