import os
import subprocess
import sys


def test_the_web_process_freezes_what_it_loaded_out_of_the_garbage_collectors_reach(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crosspost.settings", "CROSSPOST_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", "import gc, sys, crosspost.wsgi; print('crosspost.urls' in sys.modules, gc.get_freeze_count())"],
                         env=env, check=True, capture_output=True, text=True).stdout
    url_conf_loaded, frozen = out.split()[-2:]
    assert url_conf_loaded == "True"  # loaded before the freeze, not by the first request
    assert int(frozen) > 50_000  # Django, Wagtail and our models: hundreds of thousands of objects
