# gunicorn settings for the example app (read by `gunicorn -c gunicorn.conf.py`).
# FLAW: all interfaces; docker-compose.yml also publishes the port, so Django is reachable
# without nginx and the X-SSL-Client-* headers can be sent by anyone.
bind = "0.0.0.0:8000"
workers = 2
accesslog = "-"
