"""The ledger's forms: a newer ECB rates file brought by a coordinator (air-gapped networks bring
files, not connections)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: Far above the ECB's whole history (about 0.6 MB zipped); a larger upload is not that file.
MAX_RATES_FILE_BYTES = 20 * 1024 * 1024


class RatesFileForm(forms.Form):
    file = forms.FileField(
        label=_("ECB history (eurofxref-hist.zip)"),
        help_text=_("As downloaded from the ECB; it must not end before the rates in use."),
    )
    dry_run = forms.BooleanField(
        label=_("Check the file only (change nothing)"), required=False, initial=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "f-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RATES_FILE_BYTES:
            raise forms.ValidationError(
                _("%(name)s is %(size)s bytes: the ECB history is far smaller")
                % {"name": upload.name, "size": upload.size}
            )
        return upload
