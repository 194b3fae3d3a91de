"""The public site: only published reports, ever (every view starts from Report.objects.published())."""
