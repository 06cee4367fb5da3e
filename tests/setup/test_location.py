"""Library folders that sync or sit on a network are recognised; file names and paths Windows accepts."""

from __future__ import annotations

from curator.location import location_risk, path_too_long, safe_filename


def test_onedrive_and_sharepoint_folders_are_recognised_by_path():
    env = {"OneDriveCommercial": r"C:\Users\jo\OneDrive - NHS"}
    risk = location_risk(r"C:\Users\jo\OneDrive - NHS\Curator", env, platform="win32")
    assert risk and risk.kind == "sync" and "OneDrive" in risk.reason
    risk = location_risk("/home/jo/SharePoint/HIN Programme/library", {}, mounts_file="/nonexistent")
    assert risk and risk.kind == "sync" and "SharePoint" in risk.reason
    assert "backup copy" in risk.message("X")


def test_network_shares_are_recognised_by_unc_path_and_file_system(tmp_path):
    assert location_risk(r"\\fileserver\hin\library", {}, platform="win32").kind == "network"
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/vda1 / ext4 rw 0 0\n//srv/share /mnt/team\\040drive cifs rw 0 0\n")
    risk = location_risk("/mnt/team drive/library", {}, mounts_file=str(mounts), platform="linux")
    assert risk and risk.kind == "network" and "cifs" in risk.reason
    assert location_risk("/home/jo/library", {}, mounts_file=str(mounts), platform="linux") is None


def test_a_local_folder_is_fine(tmp_path):
    assert location_risk(tmp_path / "lib", {}) is None


def test_file_names_from_user_text_are_valid_on_windows():
    assert safe_filename('Review: "Tom" <Byrne>/ICS?') == "Review- -Tom- -Byrne-ICS"
    assert safe_filename("CON") == "_CON" and safe_filename("nul.txt") == "_nul.txt"
    assert safe_filename("ends with dots...  ") == "ends with dots"
    assert safe_filename("../../etc/passwd") not in ("", "..") and "/" not in safe_filename("../../etc/passwd")
    assert safe_filename("   ") == "untitled"


def test_paths_over_260_characters_are_explained_on_windows():
    long_path = "C:\\" + "\\".join(["a" * 50] * 6) + "\\guide.docx"
    message = path_too_long(long_path, platform="win32")
    assert message and "260" not in message.split("allows")[0] and "259" in message
    assert path_too_long(long_path, platform="linux") is None


def test_opening_a_library_in_a_synced_folder_warns_on_the_command_line(tmp_path, capsys):
    from tests.helpers import run_cli

    folder = tmp_path / "OneDrive - NHS" / "Curator"
    result = run_cli(capsys, "--library", str(folder), "--json", "list")
    assert result.code == 0
    assert "curator: warning:" in result.err and "OneDrive" in result.err and "backup copy" in result.err
