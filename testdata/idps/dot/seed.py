# Seeds the fixture: user alice, an implicit client (one redirect URI), an implicit
# client with two redirect URIs, and a client NOT allowed the implicit grant.
# Run with: /usr/bin/python3 manage.py shell < seed.py   (idempotent)
import os

from django.contrib.auth.models import User
from oauth2_provider.models import Application

password = os.environ.get("DOT_PASSWORD", "alice-pw")
u, _ = User.objects.get_or_create(username="alice")
u.set_password(password)
u.save()
Application.objects.filter(client_id__in=["implicit-app", "implicit-two", "code-app"]).delete()
Application.objects.create(
    client_id="implicit-app", name="Implicit App", user=u,
    client_type=Application.CLIENT_PUBLIC,
    authorization_grant_type=Application.GRANT_IMPLICIT,
    redirect_uris="http://127.0.0.1:8080/cb",
    algorithm=Application.RS256_ALGORITHM,  # for id_token and "id_token token"
    skip_authorization=False,
)
Application.objects.create(
    client_id="implicit-two", name="Implicit App, two redirect URIs", user=u,
    client_type=Application.CLIENT_PUBLIC,
    authorization_grant_type=Application.GRANT_IMPLICIT,
    redirect_uris="http://127.0.0.1:8080/cb http://127.0.0.1:8080/cb2",
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=False,
)
Application.objects.create(
    client_id="code-app", client_secret="code-app-secret", name="Code App", user=u,
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris="http://127.0.0.1:8080/cb",
)
print("seeded")
