FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir . \
    && SECRET_KEY=build-only-$(python -c "import secrets; print(secrets.token_urlsafe(50))") \
       ALLOWED_HOSTS=localhost DATABASE_URL=postgres://x@localhost/x \
       python manage.py collectstatic --no-input
RUN useradd --create-home app && chown -R app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
