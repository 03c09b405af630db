import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def transfer(request):
    """Called by the internal billing service (which 'always' has a certificate)."""
    body = json.loads(request.body)
    return JsonResponse({'transferred': body.get('amount'), 'to': body.get('account')})
