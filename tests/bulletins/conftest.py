from tests.web.scenario import two_towns  # noqa: F401
