from app.representation import baselines


def test_baselines_load_sets_the_area_only_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["baselines", "load", "--area", "E08000031", "--serve", "E08000031"])
    assert result.exit_code == 0, result.output
    assert "Area served: Wolverhampton" in result.output
    again = runner.invoke(
        args=["baselines", "load", "--area", "E08000031", "--area", "E06000001", "--serve", "E06000001"]
    )
    assert again.exit_code == 0
    assert baselines.served_area().area_codes == ["E08000031"]
