"""Login protection (django-axes lockout, unlock) and the second factor (django-otp): issue 18 §1, §2."""
